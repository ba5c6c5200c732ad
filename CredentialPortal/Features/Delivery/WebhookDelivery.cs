using CredentialPortal.Features.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.Delivery;

/// <summary>Where a delivery stands. Stored as its number: keep the values.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt at <see cref="WebhookDelivery.DueAtUtc"/>.</summary>
    Pending = 0,

    /// <summary>Claimed by a worker whose lease ends at <see cref="WebhookDelivery.DueAtUtc"/>; after that anyone may claim it again.</summary>
    Delivering = 1,

    Delivered = 2,

    /// <summary>Given up: the schedule ran out, a 4xx ended it, or the portal refused to send it ("Webhook Dispatch Failed").</summary>
    Failed = 3,
}

/// <summary>
/// One delivery of an alert's webhook, from the moment it is accepted: the queue's row (the table is the queue) and the
/// log's entry at once. Never holds a credential: the credential is resolved at each attempt.
/// </summary>
public class WebhookDelivery
{
    public long Id { get; set; }

    /// <summary>The API's <c>delivery_id</c>; <c>webhook-id</c> is derived from it (<see cref="WebhookId"/>).</summary>
    public Guid PublicId { get; set; } = Guid.CreateVersion7();

    public int AlertId { get; set; }
    public Alert? Alert { get; set; }

    /// <summary>Sent by Send test.</summary>
    public bool IsTest { get; set; }

    public DeliveryStatus Status { get; set; }

    /// <summary>The JSON body, exactly as sent on every attempt (the alert, the event data, the time it was accepted).</summary>
    public required string Body { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>
    /// When the row next needs a worker: the next attempt while <see cref="DeliveryStatus.Pending"/>, the end of the
    /// lease while <see cref="DeliveryStatus.Delivering"/>. One column, so that one index finds all due work.
    /// </summary>
    public DateTime DueAtUtc { get; set; }

    /// <summary>The claim that holds the row while it is Delivering; a stale worker's results are refused by it.</summary>
    public Guid? LeaseId { get; set; }

    /// <summary>Attempts since the delivery was accepted or last replayed: picks the next delay from the schedule.</summary>
    public int ScheduleStep { get; set; }

    /// <summary>All attempts, replays included.</summary>
    public int AttemptCount { get; set; }

    public DateTime? LastAttemptAtUtc { get; set; }

    /// <summary>The last attempt's HTTP status, if it got an answer.</summary>
    public int? StatusCode { get; set; }

    /// <summary>The last attempt's error, if it failed.</summary>
    public string? Error { get; set; }

    /// <summary>When it was delivered or given up; null while pending or delivering.</summary>
    public DateTime? CompletedAtUtc { get; set; }

    /// <summary>The caller's <c>Idempotency-Key</c>: the same key for the same alert answers this delivery again.</summary>
    public string? IdempotencyKey { get; set; }

    public List<DeliveryAttempt> Attempts { get; set; } = [];

    /// <summary>The <c>webhook-id</c> header of every attempt and replay of this delivery.</summary>
    public string WebhookId => WebhookIdOf(PublicId);

    public static string WebhookIdOf(Guid deliveryId) => "msg_" + deliveryId.ToString("N");
}

/// <summary>One request of a delivery, as the log shows it. Never holds a credential: the request is masked.</summary>
public class DeliveryAttempt
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public DateTime AttemptedAtUtc { get; set; }
    public int DurationMs { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public required string Method { get; set; }

    /// <summary>The URL with a credential's query value replaced by ****.</summary>
    public required string Url { get; set; }

    /// <summary>The headers sent, one per line, a credential's and a secret header's value masked, e.g. "clientid: ****".</summary>
    public required string Headers { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("Deliveries");
        builder.HasOne(d => d.Alert).WithMany().HasForeignKey(d => d.AlertId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(d => d.Attempts).WithOne().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(d => d.WebhookId);
        builder.HasIndex(d => d.PublicId).IsUnique();
        // The log: an alert's deliveries newest first; the Deliveries page: all of them newest first.
        builder.HasIndex(d => new { d.AlertId, d.Id });
        builder.HasIndex(d => new { d.Status, d.Id });
        // The overview's failure and pending counts.
        builder.HasIndex(d => new { d.AlertId, d.Status });
        // The queue: due work only, so the index stays as small as the backlog.
        builder.HasIndex(d => d.DueAtUtc).HasFilter("\"Status\" IN (0, 1)").HasDatabaseName("IX_Deliveries_Due");
        builder.HasIndex(d => new { d.AlertId, d.IdempotencyKey }).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL");
        builder.HasIndex(d => d.CreatedAtUtc);
        builder.Property(d => d.IdempotencyKey).HasMaxLength(200);
    }
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> builder)
    {
        builder.ToTable("DeliveryAttempts");
        builder.HasIndex(a => new { a.DeliveryId, a.Id });
    }
}

public static class DeliveryStatusNames
{
    /// <summary>The words people read: on the overview, the Deliveries page and the home page.</summary>
    public static string Label(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "Pending",
        DeliveryStatus.Delivering => "Delivering",
        DeliveryStatus.Delivered => "Delivered",
        _ => "Webhook Dispatch Failed",
    };

    /// <summary>The API's <c>status</c>, and the Deliveries page's filter in its address.</summary>
    public static string WireName(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Delivering => "delivering",
        DeliveryStatus.Delivered => "delivered",
        _ => "failed",
    };

    /// <summary>The status whose <see cref="WireName"/> is <paramref name="name"/>, or null.</summary>
    public static DeliveryStatus? FromWireName(string? name) =>
        Enum.GetValues<DeliveryStatus>().Where(s => s.WireName() == name).Select(s => (DeliveryStatus?)s).FirstOrDefault();
}

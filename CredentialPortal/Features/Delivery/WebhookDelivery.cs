using CredentialPortal.Features.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CredentialPortal.Features.Delivery;

/// <summary>One delivery of an alert's webhook (retries included) as its log shows it. Never holds a credential.</summary>
public class WebhookDelivery
{
    public long Id { get; set; }
    public int AlertId { get; set; }
    public Alert? Alert { get; set; }
    public DateTime SentAtUtc { get; set; }
    public bool IsTest { get; set; }
    public bool Delivered { get; set; }
    public int? StatusCode { get; set; }
    public int Attempts { get; set; }
    public int DurationMs { get; set; }
    public string? Error { get; set; }
    public required string Method { get; set; }

    /// <summary>The URL with a credential's query value replaced by ****.</summary>
    public required string Url { get; set; }

    /// <summary>The header names sent, a credential's with its value masked, e.g. "clientid: ****".</summary>
    public required string Headers { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("WebhookDeliveries");
        builder.HasOne(d => d.Alert).WithMany().HasForeignKey(d => d.AlertId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => new { d.AlertId, d.Id });
    }
}

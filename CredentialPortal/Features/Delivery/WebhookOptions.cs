using System.ComponentModel.DataAnnotations;
using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Delivery;

/// <summary>The "Webhooks" section of the settings; out-of-range values stop the app at start-up.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// <summary>When true, webhooks may target loopback and private addresses (development and tests).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Per-attempt timeout of a delivery.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>Deadline of one token request to an OAuth token endpoint, headers and body together.</summary>
    [Range(1, 300)]
    public int TokenTimeoutSeconds { get; set; } = 10;

    /// <summary>Largest token endpoint answer read; a bigger one is refused unread.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int TokenResponseMaxBytes { get; set; } = 64 * 1024;

    /// <summary>The delays between attempts (<see cref="Delivery.RetrySchedule"/>): its length is the number of retries.</summary>
    public string RetrySchedule { get; set; } = Delivery.RetrySchedule.Default;

    /// <summary>Finished deliveries older than this are deleted with their attempts.</summary>
    [Range(1, 3650)]
    public int LogRetentionDays { get; set; } = 30;

    /// <summary>
    /// How long a worker holds a claimed delivery: past it, another worker (or this one after a restart) takes it over.
    /// Must outlast an attempt: its timeout and an OAuth token request before it, twice over (a 401 takes a fresh token and
    /// sends once more).
    /// </summary>
    [Range(10, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How often an idle worker looks for due deliveries; a fire on this instance wakes it at once.</summary>
    [Range(50, 60_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Deliveries one instance sends at once at most.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 128;

    /// <summary>False: no background worker (tests that drive the queue themselves).</summary>
    public bool WorkerEnabled { get; set; } = true;

    public OAuthTokenLimits ToTokenLimits() => new(TimeSpan.FromSeconds(TokenTimeoutSeconds), TokenResponseMaxBytes);

    public IReadOnlyList<TimeSpan> ParsedRetrySchedule() => Delivery.RetrySchedule.Parse(RetrySchedule);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Delivery.RetrySchedule.Error(RetrySchedule) is { } error)
        {
            yield return new ValidationResult(error, [nameof(RetrySchedule)]);
        }
        // An OAuth attempt answered 401 takes a fresh token and sends once more: two token requests and two sends.
        if (LeaseSeconds <= 2 * (TimeoutSeconds + TokenTimeoutSeconds))
        {
            yield return new ValidationResult(
                "Webhooks:LeaseSeconds must be longer than twice TimeoutSeconds and TokenTimeoutSeconds together (an OAuth attempt "
                + "answered 401 requests a fresh token and sends again).",
                [nameof(LeaseSeconds)]);
        }
    }
}

using System.ComponentModel.DataAnnotations;
using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Delivery;

/// <summary>The "Webhooks" section of the settings; out-of-range values stop the app at start-up.</summary>
public sealed class WebhookOptions
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

    /// <summary>Attempts of one delivery at most, the first included (retries: connection errors, timeouts, 408, 429, 5xx).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    [Range(0, 60_000)]
    public int RetryBaseDelayMilliseconds { get; set; } = 500;

    public OAuthTokenLimits ToTokenLimits() => new(TimeSpan.FromSeconds(TokenTimeoutSeconds), TokenResponseMaxBytes);
}

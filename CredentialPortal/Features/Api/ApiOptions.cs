using System.ComponentModel.DataAnnotations;

namespace CredentialPortal.Features.Api;

/// <summary>Limits of the REST API (<c>Api:*</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Requests one token may make per minute; more answer 429 with Retry-After.</summary>
    [Range(1, int.MaxValue)]
    public int PermitsPerMinute { get; set; } = 1200;

    /// <summary>The largest request body accepted (bytes); a larger one answers 413.</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}

using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using CredentialPortal.Features.ApiTokens;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.Api;

/// <summary>
/// <c>Api:PermitsPerMinute</c> requests per token and minute, so that one runaway script cannot starve the portal or
/// other scripts. Runs after authorization: every request it sees carries a valid token.
/// </summary>
internal sealed class ApiRateLimitPolicy(IOptionsMonitor<ApiOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "api";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext context)
    {
        if (context.User.FindFirstValue(ApiTokenDefaults.TokenIdClaim) is not { } tokenId)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        var permits = options.CurrentValue.PermitsPerMinute;
        return RateLimitPartition.GetFixedWindowLimiter(tokenId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }

    private static ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken) =>
        RejectWithProblemAsync(context, "with this token");

    /// <summary>429 with <c>Retry-After</c> and a problem details body naming what was counted ("with this token").</summary>
    internal static async ValueTask RejectWithProblemAsync(OnRejectedContext context, string counted)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Detail = $"Too many requests {counted}. Retry after {seconds} seconds.",
            },
        });
    }
}

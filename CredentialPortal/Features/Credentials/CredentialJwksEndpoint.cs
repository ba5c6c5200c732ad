using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.Credentials;

/// <summary>The public JWKS URL of JWT credentials (<c>Jwks:*</c>).</summary>
public sealed class JwksOptions
{
    public const string Section = "Jwks";

    /// <summary>Requests one client address may make per minute to the anonymous JWKS URLs; more answer 429.</summary>
    [Range(1, int.MaxValue)]
    public int PermitsPerMinute { get; set; } = 60;
}

/// <summary>
/// <c>GET /.well-known/webhook-credentials/{credential_id}/jwks.json</c>: the public keys (RFC 7517 JWK Set, kid = RFC
/// 7638 thumbprint, as the client assertion's header names it) of a Client Credentials with JWT credential, for the
/// authorization server to fetch without a portal account. During a rotation's grace window both keys are listed.
/// Public keys only; 404 for anything else.
/// </summary>
public static class CredentialJwksEndpoint
{
    public const string RateLimitPolicy = "jwks";

    /// <summary>The path of a credential's JWKS, relative to the portal's base address.</summary>
    public static string PathOf(Guid credentialId) => $".well-known/webhook-credentials/{credentialId}/jwks.json";

    public static IServiceCollection AddCredentialJwks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwksOptions>().Bind(configuration.GetSection(JwksOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, JwksRateLimitPolicy>(RateLimitPolicy));
        return services;
    }

    public static IEndpointRouteBuilder MapCredentialJwks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/webhook-credentials/{credential_id:guid}/jwks.json", GetAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicy)
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> GetAsync(
        [FromRoute(Name = "credential_id")] Guid credentialId, CredentialService credentials, HttpContext context, CancellationToken cancellationToken)
    {
        var keys = await credentials.GetPublicKeysAsync(credentialId, cancellationToken);
        if (keys is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "No credential with this id signs JWT client assertions.");
        }
        var set = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => JsonNode.Parse(k.Jwk))]) };
        // Short: a receiver that meets an unknown kid fetches again, and a key whose window ended drops out soon.
        context.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Text(set.ToJsonString(), "application/jwk-set+json");
    }

    /// <summary>Per client address, like the log-in pages' limit: the URL needs no account, so it is the only bound.</summary>
    private sealed class JwksRateLimitPolicy(IOptionsMonitor<JwksOptions> options) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = RejectAsync;

        public RateLimitPartition<string> GetPartition(HttpContext context) =>
            RateLimitPartition.GetFixedWindowLimiter(LoginRateLimiting.ClientKey(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.CurrentValue.PermitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });

        private static ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken) =>
            CredentialPortal.Features.Api.ApiRateLimitPolicy.RejectWithProblemAsync(context, "from this address");
    }
}

using System.Globalization;
using System.Security.Claims;
using CredentialPortal.Features.Hierarchy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CredentialPortal.Features.ApiTokens;

/// <summary>The token's scope as the configuration routes name entities: <c>{"entity_type": "partner", "entity_id": ...}</c>.</summary>
public sealed record ApiTokenScopeResponse(HierarchyLevel EntityType, Guid EntityId, string Name);

public sealed record ApiTokenResponse(string Name, string Prefix, ApiTokenScopeResponse Scope, DateTime CreatedAt, DateTime? ExpiresAt, string Role);

public static class ApiTokenEndpoints
{
    /// <summary><c>GET /api/v1/token</c>: the calling token itself, so that a script can check what it holds.</summary>
    public static RouteGroupBuilder MapApiTokenApi(this RouteGroupBuilder api)
    {
        api.MapGet("/token", async Task<Results<Ok<ApiTokenResponse>, NotFound>> (
                ClaimsPrincipal user, ApiTokenService tokens, CancellationToken cancellationToken) =>
            {
                var id = int.Parse(user.FindFirstValue(ApiTokenDefaults.TokenIdClaim)!, CultureInfo.InvariantCulture);
                return await tokens.GetAsync(id, cancellationToken) is { } token
                    ? TypedResults.Ok(new ApiTokenResponse(token.Name, token.Prefix,
                        new ApiTokenScopeResponse(token.ScopeLevel, token.ScopeEntityId, token.ScopeName), token.CreatedUtc, token.ExpiresUtc, token.Role))
                    : TypedResults.NotFound();
            })
            .WithName("GetCallingToken")
            .WithSummary("The calling token: its name, prefix, scope, expiry and role.");
        return api;
    }
}

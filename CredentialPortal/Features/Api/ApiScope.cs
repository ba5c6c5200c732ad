using System.Security.Claims;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;

namespace CredentialPortal.Features.Api;

/// <summary>
/// What a token reaches: the hierarchy entity in its <c>api_scope</c> claim and everything below it. A Platform-scope
/// token reaches everything.
/// </summary>
public static class ApiScope
{
    public const string OutsideScope = "The token's scope does not include this entity.";
    public const string PlatformOnly = "Only a Platform-scope token may do this.";

    public static Guid? ScopeOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ApiTokenDefaults.ScopeClaim), out var scope) ? scope : null;

    public static bool IsPlatform(ClaimsPrincipal user) => ScopeOf(user) == HierarchyDefaults.PlatformId;

    /// <summary>True when the token's scope is the entity or one of its ancestors.</summary>
    public static async Task<bool> CoversAsync(ClaimsPrincipal user, Guid entityId, HierarchyService hierarchy, CancellationToken cancellationToken = default) =>
        ScopeOf(user) is { } scope && await hierarchy.CoversAsync(scope, entityId, cancellationToken);

    /// <summary>Null when the token reaches the entity, else the 403 problem to answer.</summary>
    public static async Task<IResult?> EnsureCoversAsync(ClaimsPrincipal user, Guid entityId, HierarchyService hierarchy, CancellationToken cancellationToken = default) =>
        await CoversAsync(user, entityId, hierarchy, cancellationToken) ? null : Forbidden(OutsideScope);

    /// <summary>Null for a Platform-scope token, else the 403 problem to answer (portal-wide things: the credential library).</summary>
    public static IResult? EnsurePlatform(ClaimsPrincipal user) => IsPlatform(user) ? null : Forbidden(PlatformOnly);

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: detail);
}

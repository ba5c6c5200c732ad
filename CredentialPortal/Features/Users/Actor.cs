using System.Security.Claims;
using CredentialPortal.Features.ApiTokens;

namespace CredentialPortal.Features.Users;

/// <summary>
/// Who is acting: a signed-in person (<see cref="UserId"/>), an API token (<see cref="TokenId"/>), nobody
/// (<see cref="Anonymous"/>), or the portal itself (<see cref="System"/>: start-up, the delivery worker, the tests'
/// direct calls). The audit trail records <see cref="Name"/>; the services check <see cref="Role"/>.
/// </summary>
public sealed record Actor(string Name, string? Role, string? UserId = null, int? TokenId = null)
{
    public static readonly Actor System = new("system", PortalRoles.Administrator);
    public static readonly Actor Anonymous = new("anonymous", null);

    public bool Has(string role) => PortalRoles.Includes(Role, role);

    public static Actor Of(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }
        // A principal may carry several role claims; the highest counts.
        var role = user.FindAll(ClaimTypes.Role).Select(c => c.Value).MaxBy(PortalRoles.Rank);
        var name = user.FindFirstValue(ClaimTypes.Email) ?? user.FindFirstValue(ClaimTypes.Name) ?? "unknown";
        if (int.TryParse(user.FindFirstValue(ApiTokenDefaults.TokenIdClaim), out var tokenId))
        {
            return new Actor(name, role, TokenId: tokenId);
        }
        return new Actor(name, role, UserId: user.FindFirstValue(ClaimTypes.NameIdentifier));
    }
}

/// <summary>A service refused an action the acting role does not allow (the API answers 403).</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>
/// The acting <see cref="Actor"/> of the current request or circuit event, kept in an <see cref="AsyncLocal{T}"/>
/// like <c>IHttpContextAccessor</c> keeps the request, so that the singleton services can check roles and write the
/// audit trail without every caller passing a user. Set by <see cref="ActorMiddleware"/> for HTTP requests and by
/// <see cref="ActorCircuitHandler"/> for every inbound event of a Blazor circuit. Code that runs outside both (start-up,
/// background workers, tests calling services directly) acts as <see cref="Actor.System"/>.
/// </summary>
public sealed class ActorAccessor
{
    private static readonly AsyncLocal<Actor?> current = new();

    public Actor Current => current.Value ?? Actor.System;

    /// <summary>Acts as <paramref name="actor"/> until the returned scope is disposed.</summary>
    public IDisposable Use(Actor actor)
    {
        var previous = current.Value;
        current.Value = actor;
        return new Restore(previous);
    }

    /// <summary>Throws <see cref="ForbiddenException"/> unless the current actor has <paramref name="role"/>.</summary>
    public Actor Require(string role)
    {
        var actor = Current;
        if (!actor.Has(role))
        {
            throw new ForbiddenException($"This needs the {role} role.");
        }
        return actor;
    }

    private sealed class Restore(Actor? previous) : IDisposable
    {
        public void Dispose() => current.Value = previous;
    }
}

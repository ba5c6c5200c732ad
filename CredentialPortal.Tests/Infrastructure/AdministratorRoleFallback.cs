using System.Security.Claims;
using CredentialPortal.Features.Users;
using Microsoft.AspNetCore.Authentication;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// Gives a signed-in user or API token that carries no role claim the Administrator role, as the portal's migration
/// gave every existing user: for tests of features behind a role check on a portal whose principals carry no role yet.
/// A principal that has a role keeps it.
/// </summary>
public sealed class AdministratorRoleFallback : IClaimsTransformation
{
    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is ClaimsIdentity { IsAuthenticated: true } identity && !principal.HasClaim(c => c.Type == ClaimTypes.Role))
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, PortalRoles.Administrator));
        }
        return Task.FromResult(principal);
    }
}

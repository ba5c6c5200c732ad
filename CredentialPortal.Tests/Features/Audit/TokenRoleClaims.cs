using System.Security.Claims;
using CredentialPortal.Data;
using CredentialPortal.Features.ApiTokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Features.Audit;

/// <summary>
/// Gives a token principal that carries no role claim the role stored on its token row, as the portal's token
/// authentication does once it names roles; a principal with a role claim is left as it is.
/// </summary>
internal sealed class TokenRoleClaims(IDbContextFactory<PortalDbContext> dbFactory) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.HasClaim(c => c.Type == ClaimTypes.Role)
            || !int.TryParse(principal.FindFirstValue(ApiTokenDefaults.TokenIdClaim), out var tokenId))
        {
            return principal;
        }
        await using var db = await dbFactory.CreateDbContextAsync();
        var role = await db.Set<ApiToken>().Where(t => t.Id == tokenId).Select(t => t.Role).SingleAsync();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, role)]);
        var transformed = principal.Clone();
        transformed.AddIdentity(identity);
        return transformed;
    }
}

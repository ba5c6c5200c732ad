using CredentialPortal.Data;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Routing;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    // Endpoints the Identity Razor components post to.
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var accountGroup = endpoints.MapGroup("/Account");
        accountGroup.MapPost("/Logout", async (
            HttpContext context,
            IAntiforgery antiforgery,
            IOptions<OriginOptions> origins,
            SignInManager<ApplicationUser> signInManager) =>
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                return Results.LocalRedirect("~/Account/Login");
            }
            // Only the portal's own log-out form: same origin, with its antiforgery token. The endpoint binds no form
            // field, so nothing validates the token unless it is checked here.
            if (!SameOriginRequests.IsSameOrigin(context.Request, origins.Value.Origins))
            {
                return Results.Text("Cross-origin log-out refused.", statusCode: StatusCodes.Status403Forbidden);
            }
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.Text("The log-out form is missing or has a stale antiforgery token.", statusCode: StatusCodes.Status400BadRequest);
            }

            // A new security stamp ends this session everywhere: a copy of the cookie no longer authenticates.
            var user = await signInManager.UserManager.GetUserAsync(context.User);
            if (user is not null)
            {
                await signInManager.UserManager.UpdateSecurityStampAsync(user);
            }
            await signInManager.SignOutAsync();
            return Results.LocalRedirect("~/Account/Login");
        });
        return accountGroup;
    }
}

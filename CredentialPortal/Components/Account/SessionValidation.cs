using CredentialPortal.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Components.Account;

/// <summary>
/// Checks the session cookie's security stamp against the user's on every request, so that log-out and a password
/// change (both give the user a new stamp) end every copy of the session at once. Costs one read of the user row by
/// key per request; unlike Identity's interval validator set to zero, it does not reissue the cookie each time. A role
/// change and disabling a user give a new stamp too, so the session ends and the next sign-in carries the new role.
/// </summary>
public static class SessionValidation
{
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInManager<ApplicationUser>>();
        if (context.Principal is null || await signIn.ValidateSecurityStampAsync(context.Principal) is not { IsDisabled: false })
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }
}

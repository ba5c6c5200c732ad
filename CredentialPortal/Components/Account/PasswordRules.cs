using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Components.Account;

/// <summary>
/// The password rules as a person reads them, taken from the Identity options the app configures (the same options
/// that check a new password), so that the hint and the check cannot drift apart.
/// </summary>
public static class PasswordRules
{
    public static string Describe(PasswordOptions options)
    {
        var kinds = new List<string>();
        if (options.RequireUppercase)
        {
            kinds.Add("an uppercase letter");
        }
        if (options.RequireLowercase)
        {
            kinds.Add("a lowercase letter");
        }
        if (options.RequireDigit)
        {
            kinds.Add("a digit");
        }
        if (options.RequireNonAlphanumeric)
        {
            kinds.Add("a symbol (not a letter or digit)");
        }

        var text = $"At least {options.RequiredLength} characters";
        if (kinds.Count > 0)
        {
            text += ", with " + (kinds.Count == 1 ? kinds[0] : string.Join(", ", kinds[..^1]) + " and " + kinds[^1]);
        }
        if (options.RequiredUniqueChars > 1)
        {
            text += $", of which {options.RequiredUniqueChars} different";
        }
        return text + ".";
    }

    /// <summary>Whether an Identity error is about the new password's rules (shown beside the password field).</summary>
    public static bool IsRuleError(IdentityError error) =>
        error.Code.StartsWith("Password", StringComparison.Ordinal) && error.Code != nameof(IdentityErrorDescriber.PasswordMismatch);
}

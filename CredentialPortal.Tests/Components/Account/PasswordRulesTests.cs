using CredentialPortal.Components.Account;
using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Tests.Components.Account;

/// <summary>The password hint is written from Identity's options, so it says what the check enforces.</summary>
public class PasswordRulesTests
{
    [Fact]
    public void Identity_defaults_with_the_portals_length_read_as_one_sentence()
    {
        var options = new PasswordOptions { RequiredLength = 8 };

        Assert.Equal(
            "At least 8 characters, with an uppercase letter, a lowercase letter, a digit and a symbol (not a letter or digit).",
            PasswordRules.Describe(options));
    }

    [Fact]
    public void Only_the_rules_that_are_switched_on_are_named()
    {
        var options = new PasswordOptions
        {
            RequiredLength = 12, RequireUppercase = false, RequireLowercase = false, RequireNonAlphanumeric = false, RequiredUniqueChars = 4,
        };

        Assert.Equal("At least 12 characters, with a digit, of which 4 different.", PasswordRules.Describe(options));
    }

    [Theory]
    [InlineData(nameof(IdentityErrorDescriber.PasswordTooShort), true)]
    [InlineData(nameof(IdentityErrorDescriber.PasswordRequiresDigit), true)]
    [InlineData(nameof(IdentityErrorDescriber.PasswordMismatch), false)]
    [InlineData(nameof(IdentityErrorDescriber.DuplicateEmail), false)]
    public void Rule_errors_are_the_password_errors_except_a_wrong_current_password(string code, bool isRule) =>
        Assert.Equal(isRule, PasswordRules.IsRuleError(new IdentityError { Code = code, Description = "" }));
}

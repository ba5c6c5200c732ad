using System.ComponentModel.DataAnnotations;

namespace CredentialPortal.Features.Users;

/// <summary>The New user form: bound by the page, checked by <see cref="UserRules"/> there and again by the service.</summary>
public sealed class NewUserInput
{
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
    public string Role { get; set; } = PortalRoles.Viewer;
}

/// <summary>The Reset password form: the administrator sets the new password.</summary>
public sealed class PasswordResetInput
{
    public string Password { get; set; } = "";
}

/// <summary>One row of the Users table.</summary>
public sealed record UserRow(string Id, string Email, string Role, bool IsDisabled);

public enum UserChangeStatus
{
    Saved,
    Invalid,
    Refused,
    NotFound,
}

/// <summary>The outcome of a change to a user: the messages per field when invalid, the reason when refused.</summary>
public sealed record UserChange(UserChangeStatus Status, string? Message = null, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static readonly UserChange Saved = new(UserChangeStatus.Saved);
    public static readonly UserChange NotFound = new(UserChangeStatus.NotFound, "No user has this id.");

    public bool Succeeded => Status == UserChangeStatus.Saved;

    public static UserChange Invalid(IReadOnlyDictionary<string, string[]> errors) => new(UserChangeStatus.Invalid, Errors: errors);

    public static UserChange Refused(string message) => new(UserChangeStatus.Refused, message);
}

/// <summary>The rules the user forms follow before the service asks Identity (which checks the password's strength).</summary>
public static class UserRules
{
    public static Dictionary<string, string[]> Validate(NewUserInput input)
    {
        var errors = new Dictionary<string, string[]>();
        var email = input.Email?.Trim() ?? "";
        if (email.Length == 0)
        {
            errors[nameof(NewUserInput.Email)] = ["Enter the person's email address; they sign in with it."];
        }
        else if (email.Length > 256 || !new EmailAddressAttribute().IsValid(email))
        {
            errors[nameof(NewUserInput.Email)] = ["Enter a valid email address, like name@example.com."];
        }
        if (string.IsNullOrEmpty(input.Password))
        {
            errors[nameof(NewUserInput.Password)] = ["Enter a password; tell the person to change it after signing in."];
        }
        if (RoleError(input.Role) is { } roleError)
        {
            errors[nameof(NewUserInput.Role)] = [roleError];
        }
        return errors;
    }

    public static string? RoleError(string? role) => PortalRoles.IsRole(role) ? null : "Choose Administrator, Editor or Viewer.";

    public static Dictionary<string, string[]> Validate(PasswordResetInput input) =>
        string.IsNullOrEmpty(input.Password)
            ? new() { [nameof(PasswordResetInput.Password)] = ["Enter the new password."] }
            : [];
}

using CredentialPortal.Features.Users;

namespace CredentialPortal.Features.ApiTokens;

/// <summary>The rules a new token's fields follow, read by the form (beside each field) and by the service on create.</summary>
public static class ApiTokenRules
{
    /// <param name="creatorRole">The creator's role: a token may do no more than whoever makes it.</param>
    public static Dictionary<string, string[]> Validate(ApiTokenInput input, DateTime now, string? creatorRole)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors[nameof(ApiTokenInput.Name)] = ["Enter a name that says what uses the token."];
        }
        else if (name.Length > ApiTokenService.NameMaxLength)
        {
            errors[nameof(ApiTokenInput.Name)] = [$"At most {ApiTokenService.NameMaxLength} characters."];
        }
        if (input.ScopeEntityId == Guid.Empty)
        {
            errors[nameof(ApiTokenInput.ScopeEntityId)] = ["Choose the platform or a partner, organization or workspace."];
        }
        if (input.ExpiresUtc is { } expires && expires <= now)
        {
            errors[nameof(ApiTokenInput.ExpiresUtc)] = ["The expiry must be in the future."];
        }
        if (input.Role is { } role)
        {
            if (!PortalRoles.IsRole(role))
            {
                errors[nameof(ApiTokenInput.Role)] = ["Choose Administrator, Editor or Viewer."];
            }
            else if (!PortalRoles.Includes(creatorRole, role))
            {
                errors[nameof(ApiTokenInput.Role)] = [$"A token's role cannot be above your own ({creatorRole ?? "none"})."];
            }
        }
        return errors;
    }
}

using System.Buffers;
using CredentialPortal.Features.Shared;

namespace CredentialPortal.Features.Credentials;

/// <summary>Every validation rule of a credential, shared by the service (which enforces it) and the form (which shows it).</summary>
public static class CredentialRules
{
    public const int NameMaxLength = 100;
    public const int FieldNameMaxLength = 256;
    public const int ValueMaxLength = 4096;

    public const string ConflictMessage =
        "This credential was changed by someone else after you opened it. Reload it to see their changes; nothing was overwritten.";

    // RFC 9110 §5.6.2 tchar.
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> ForbiddenControlChars = SearchValues.Create("\r\n\0");

    public static bool IsHttpToken(string value) => value.Length > 0 && !value.AsSpan().ContainsAnyExcept(TokenChars);

    public static bool HasForbiddenControlChars(string? value) => value is not null && value.AsSpan().ContainsAny(ForbiddenControlChars);

    /// <summary>Field name → messages; empty when the input is valid.</summary>
    public static Dictionary<string, string[]> Validate(CredentialInput input, bool isCreate)
    {
        var errors = new ValidationErrors();

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add(nameof(input.Name), "Name is required.");
        }
        else if (input.Name.Trim().Length > NameMaxLength)
        {
            errors.Add(nameof(input.Name), $"Name must be at most {NameMaxLength} characters.");
        }

        if (input.Type is null || !Enum.IsDefined(input.Type.Value))
        {
            errors.Add(nameof(input.Type), "Choose a type.");
        }

        var type = input.Type ?? CredentialType.ClientId;
        if (type == CredentialType.OAuth2)
        {
            ValidateOAuth(input, isCreate, errors);
            return errors.ToDictionary();
        }

        var fieldLabel = type.HasLocation() ? "Field Name" : "Header Name";
        if (type.HasLocation() && !Enum.IsDefined(input.Location))
        {
            errors.Add(nameof(input.Location), "Choose where the credential goes: Header or Query Param.");
        }
        if (type == CredentialType.HmacSignature && (input.Format is null || !Enum.IsDefined(input.Format.Value)))
        {
            errors.Add(nameof(input.Format), "Choose a signature format.");
        }

        // Basic Auth always goes in Authorization, and Standard Webhooks names its own headers.
        var hasFieldName = type != CredentialType.BasicAuth && !(type == CredentialType.HmacSignature && input.Format == HmacFormat.StandardWebhooks);
        var inHeader = !type.HasLocation() || input.Location == CredentialLocation.Header;
        if (!hasFieldName)
        {
            // nothing to name
        }
        else if (string.IsNullOrWhiteSpace(input.FieldName))
        {
            errors.Add(nameof(input.FieldName), $"{fieldLabel} is required.");
        }
        else if (input.FieldName.Trim().Length > FieldNameMaxLength)
        {
            errors.Add(nameof(input.FieldName), $"{fieldLabel} must be at most {FieldNameMaxLength} characters.");
        }
        else if (inHeader && !IsHttpToken(input.FieldName.Trim()))
        {
            errors.Add(nameof(input.FieldName),
                $"{fieldLabel} is not a valid header name (token): use only letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ (no spaces).");
        }

        var clientIdLabel = type.ClientIdLabel(input.Format);
        if (clientIdLabel is null)
        {
            // the type has no such value
        }
        else if (isCreate && string.IsNullOrEmpty(input.ClientId))
        {
            errors.Add(nameof(input.ClientId), $"{clientIdLabel} is required.");
        }
        else if (input.ClientId is { Length: > ValueMaxLength })
        {
            errors.Add(nameof(input.ClientId), $"{clientIdLabel} must be at most {ValueMaxLength} characters.");
        }
        else if (type == CredentialType.BasicAuth && input.ClientId?.Contains(':') == true)
        {
            errors.Add(nameof(input.ClientId), "Username must not contain a colon (RFC 7617).");
        }

        var secretLabel = type.SecretLabel();
        if (secretLabel is null)
        {
            // the type has no secret
        }
        else if (isCreate && string.IsNullOrEmpty(input.Secret))
        {
            errors.Add(nameof(input.Secret), $"{secretLabel} is required.");
        }
        else if (input.Secret is { Length: > ValueMaxLength })
        {
            errors.Add(nameof(input.Secret), $"{secretLabel} must be at most {ValueMaxLength} characters.");
        }
        else if (type == CredentialType.HmacSignature && input.Format == HmacFormat.StandardWebhooks
                 && !string.IsNullOrEmpty(input.Secret) && StandardWebhooksKey(input.Secret) is null)
        {
            errors.Add(nameof(input.Secret), "A Standard Webhooks secret is whsec_ followed by 24 to 64 Base64 bytes; use Generate secret.");
        }

        foreach (var (field, value, label) in new[]
                 {
                     (nameof(input.Name), input.Name, "Name"),
                     (nameof(input.FieldName), input.FieldName, fieldLabel),
                     (nameof(input.ClientId), input.ClientId, clientIdLabel ?? "Value"),
                     (nameof(input.Secret), input.Secret, secretLabel ?? "Secret"),
                 })
        {
            if (HasForbiddenControlChars(value))
            {
                errors.Add(field, $"{label} must not contain line breaks (CR, LF) or NUL characters.");
            }
        }

        return errors.ToDictionary();
    }

    // On edit an empty Client ID keeps the stored one, which the form does not have: this stands in for it.
    private static readonly OAuth.OAuthSettings KeptOnEdit = new() { GrantType = default, TokenUrl = "", ClientId = "(kept)" };

    /// <summary>
    /// OAuth 2.0: the settings' own rules, field by field. On edit, empty write-only values keep the stored ones; the
    /// service checks the merged settings again (a grant switched on edit may need a value that was never stored).
    /// </summary>
    private static void ValidateOAuth(CredentialInput input, bool isCreate, ValidationErrors errors)
    {
        foreach (var (field, messages) in input.ToOAuthSettings(isCreate ? null : KeptOnEdit).Validate(requireSecrets: isCreate))
        {
            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }
        if (HasForbiddenControlChars(input.Name))
        {
            errors.Add(nameof(input.Name), "Name must not contain line breaks (CR, LF) or NUL characters.");
        }
    }

    /// <summary>The signing key of a Standard Webhooks secret (whsec_ + Base64 of 24 to 64 bytes), or null.</summary>
    public static byte[]? StandardWebhooksKey(string secret)
    {
        const string prefix = "whsec_";
        if (!secret.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            var key = Convert.FromBase64String(secret[prefix.Length..]);
            return key.Length is >= 24 and <= 64 ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A new Standard Webhooks secret: whsec_ and 32 random bytes.</summary>
    public static string NewStandardWebhooksSecret() =>
        "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}

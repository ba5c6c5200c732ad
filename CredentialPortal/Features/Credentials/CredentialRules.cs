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

        if (!Enum.IsDefined(input.Location))
        {
            errors.Add(nameof(input.Location), "Choose where the credential goes: Header or Query Param.");
        }

        if (string.IsNullOrWhiteSpace(input.FieldName))
        {
            errors.Add(nameof(input.FieldName), "Field Name is required.");
        }
        else if (input.FieldName.Trim().Length > FieldNameMaxLength)
        {
            errors.Add(nameof(input.FieldName), $"Field Name must be at most {FieldNameMaxLength} characters.");
        }
        else if (input.Location == CredentialLocation.Header && !IsHttpToken(input.FieldName.Trim()))
        {
            errors.Add(nameof(input.FieldName),
                "Field Name is not a valid header name (token): use only letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ (no spaces).");
        }

        var clientIdLabel = input.Type == CredentialType.ClientIdAndSecret ? "Client ID" : "Value";
        if (isCreate && string.IsNullOrEmpty(input.ClientId))
        {
            errors.Add(nameof(input.ClientId), $"{clientIdLabel} is required.");
        }
        else if (input.ClientId is { Length: > ValueMaxLength })
        {
            errors.Add(nameof(input.ClientId), $"{clientIdLabel} must be at most {ValueMaxLength} characters.");
        }

        if (input.Type == CredentialType.ClientIdAndSecret)
        {
            if (isCreate && string.IsNullOrEmpty(input.Secret))
            {
                errors.Add(nameof(input.Secret), "Secret is required.");
            }
            else if (input.Secret is { Length: > ValueMaxLength })
            {
                errors.Add(nameof(input.Secret), $"Secret must be at most {ValueMaxLength} characters.");
            }
        }

        foreach (var (field, value, label) in new[]
                 {
                     (nameof(input.Name), input.Name, "Name"),
                     (nameof(input.FieldName), input.FieldName, "Field Name"),
                     (nameof(input.ClientId), input.ClientId, clientIdLabel),
                     (nameof(input.Secret), input.Secret, "Secret"),
                 })
        {
            if (HasForbiddenControlChars(value))
            {
                errors.Add(field, $"{label} must not contain line breaks (CR, LF) or NUL characters.");
            }
        }

        return errors.ToDictionary();
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
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

    // Letters and symbols that draw nothing (the Hangul fillers, the blank Braille pattern); every other invisible
    // character is found by its Unicode category (IsInvisible).
    private static readonly SearchValues<char> BlankLetters = SearchValues.Create("\u115F\u1160\u3164\uFFA0\u2800");

    // Bidirectional controls: they reorder what follows, so "abc\u202Egpj.exe" shows as "abcexe.jpg".
    private static readonly SearchValues<char> BidiControlChars =
        SearchValues.Create("\u200E\u200F\u061C\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    // Visible ASCII and the space: what a header value may carry (RFC 9110 field-vchar and SP, minus obs-text).
    private static readonly SearchValues<char> HeaderValueChars = SearchValues.Create(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>
    /// The message for a name (of a credential, an alert) that cannot be saved, or null. A name must show something: empty,
    /// blank or made only of zero-width and bidirectional control characters counts as missing; bidirectional controls are
    /// refused anywhere, since they make a name read as something else in every list that shows it.
    /// </summary>
    public static string? NameError(string? name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(name) || IsBlankOnceInvisibleRemoved(name))
        {
            return "Name is required.";
        }
        if (name.Trim().Length > maxLength)
        {
            return $"Name must be at most {maxLength} characters.";
        }
        if (name.AsSpan().ContainsAny(BidiControlChars))
        {
            return "Name must not contain invisible text-direction controls (such as U+202E RIGHT-TO-LEFT OVERRIDE).";
        }
        if (HasForbiddenControlChars(name))
        {
            return "Name must not contain line breaks (CR, LF) or NUL characters.";
        }
        return null;
    }

    private static bool IsBlankOnceInvisibleRemoved(string name)
    {
        foreach (var rune in name.EnumerateRunes())
        {
            if (!IsInvisible(rune))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Draws nothing on its own: white space, format characters (zero-width spaces and joiners, bidi controls, soft
    /// hyphen, invisible operators, tags), controls, combining marks with nothing to combine with (variation selectors,
    /// the grapheme joiner), and the blank letters.
    /// </summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.IsWhiteSpace(rune)
        || (rune.IsBmp && BlankLetters.Contains((char)rune.Value))
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator;

    /// <summary>
    /// Header names HTTP itself owns (connection and framing), plus Content-Type, which the portal sets for the body it sends:
    /// a credential or an extra header must not set or override them.
    /// </summary>
    public static bool IsReservedHeaderName(string name) =>
        name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("TE", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The message for a header name that cannot be sent, or null. The one rule for a credential's header name, an alert's
    /// extra headers and the sender's last check. Control characters (TAB, DEL, …) are refused anywhere in the name, even
    /// at its ends where trimming would hide them; so is non-ASCII text. The rest is checked on the trimmed name.
    /// </summary>
    public static string? HeaderNameError(string name, string label)
    {
        var trimmed = name.Trim();
        if (name.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || name.Contains('\u007F'))
        {
            return $"{label} is not a valid header name (token): control characters such as TAB or DEL are not allowed.";
        }
        if (name.AsSpan().ContainsAnyInRange('\u0080', char.MaxValue))
        {
            return $"{label} is not a valid header name (token): use ASCII characters only.";
        }
        if (!IsHttpToken(trimmed))
        {
            return $"{label} is not a valid header name (token): use only letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ (no spaces).";
        }
        if (IsReservedHeaderName(trimmed))
        {
            return $"{trimmed} cannot be used: Host, Content-Length, Transfer-Encoding, Connection, Upgrade, TE, Trailer, Keep-Alive " +
                   "and Proxy-* belong to HTTP itself, and the portal sets Content-Type for the body it sends.";
        }
        if (IsDeliveryHeaderName(trimmed))
        {
            return $"{trimmed} cannot be used: the portal sends webhook-id and webhook-timestamp with every request, the same " +
                   "on every attempt, for receivers that drop duplicates.";
        }
        return null;
    }

    /// <summary>
    /// The headers that identify a delivery on every request (a Standard Webhooks signature sets them itself, to the same
    /// values): a credential or an extra header of that name would replace the id receivers drop duplicates by.
    /// </summary>
    public static bool IsDeliveryHeaderName(string name) =>
        name.Equals("webhook-id", StringComparison.OrdinalIgnoreCase) || name.Equals("webhook-timestamp", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The message for a header value that cannot be sent, or null: visible ASCII and spaces only. Line breaks and NUL would
    /// split or cut the request; TAB, DEL and other controls and non-ASCII text are refused too, since receivers and
    /// proxies disagree on them (and .NET refuses non-ASCII header values on send).
    /// </summary>
    public static string? HeaderValueError(string? value, string label) =>
        string.IsNullOrEmpty(value) || !value.AsSpan().ContainsAnyExcept(HeaderValueChars)
            ? null
            : $"{label} must use visible ASCII characters and spaces only: no line breaks, TAB, DEL or other control characters, no non-ASCII text.";

    /// <summary>
    /// Field name → messages; empty when the input is valid. On edit (<paramref name="stored"/> set) an empty write-only
    /// value keeps the stored one; identifiers the form shows (Key ID, Username) are required like on create.
    /// </summary>
    public static Dictionary<string, string[]> Validate(CredentialInput input, bool isCreate, StoredValues? stored = null)
    {
        var errors = new ValidationErrors();

        if (NameError(input.Name, NameMaxLength) is { } nameError)
        {
            errors.Add(nameof(input.Name), nameError);
        }

        if (input.Type is null || !Enum.IsDefined(input.Type.Value))
        {
            errors.Add(nameof(input.Type), "Choose a type.");
        }

        var type = input.Type ?? CredentialType.ClientId;
        var kind = CredentialTypeDescription.Of(type);
        if (type == CredentialType.OAuth2)
        {
            ValidateOAuth(input, isCreate, errors);
            return errors.ToDictionary();
        }

        if (kind.HasLocation && !Enum.IsDefined(input.Location))
        {
            errors.Add(nameof(input.Location), "Choose where the credential goes: Header or Query Param.");
        }
        if (type == CredentialType.HmacSignature && (input.Format is null || !Enum.IsDefined(input.Format.Value)))
        {
            errors.Add(nameof(input.Format), "Choose a signature format.");
        }

        var fieldLabel = kind.FieldNameLabel(input.Format);
        var inHeader = kind.SendsInHeader(input.Location);
        if (fieldLabel is null)
        {
            // the type names its own header
        }
        else if (string.IsNullOrWhiteSpace(input.FieldName))
        {
            errors.Add(nameof(input.FieldName), $"{fieldLabel} is required.");
        }
        else if (input.FieldName.Trim().Length > FieldNameMaxLength)
        {
            errors.Add(nameof(input.FieldName), $"{fieldLabel} must be at most {FieldNameMaxLength} characters.");
        }
        else if (inHeader && HeaderNameError(input.FieldName, fieldLabel) is { } headerError)
        {
            errors.Add(nameof(input.FieldName), headerError);
        }

        var clientIdLabel = kind.ClientIdLabelFor(input.Format);
        var clientIdKept = !isCreate && kind.ClientIdIsSecret && stored?.HasClientId != false;
        if (clientIdLabel is null)
        {
            // the type has no such value
        }
        else if (string.IsNullOrEmpty(input.ClientId) && !clientIdKept)
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

        var secretLabel = kind.SecretLabel;
        var standardWebhooks = type == CredentialType.HmacSignature && input.Format == HmacFormat.StandardWebhooks;
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
        else if (standardWebhooks && !string.IsNullOrEmpty(input.Secret) && StandardWebhooksKey(input.Secret) is null)
        {
            errors.Add(nameof(input.Secret), "A Standard Webhooks secret is whsec_ followed by 24 to 64 Base64 bytes; use Generate secret.");
        }
        else if (standardWebhooks && string.IsNullOrEmpty(input.Secret) && stored is { SecretIsStandardWebhooksKey: false })
        {
            // Switched to Standard Webhooks on edit: the kept secret is not a whsec_ one.
            errors.Add(nameof(input.Secret), "Standard Webhooks needs a whsec_ secret: replace the saved one (Generate secret makes one).");
        }

        foreach (var (field, value, label) in new[]
                 {
                     (nameof(input.FieldName), input.FieldName, fieldLabel ?? "Header Name"),
                     (nameof(input.ClientId), input.ClientId, clientIdLabel ?? "Value"),
                     (nameof(input.Secret), input.Secret, secretLabel ?? "Secret"),
                 })
        {
            if (SentAsIsInHeader(field) && HeaderValueError(value, label) is { } valueError)
            {
                errors.Add(field, valueError);
            }
            // A header name's own rule already refuses every control character.
            else if (HasForbiddenControlChars(value) && !(field == nameof(input.FieldName) && fieldLabel is not null && inHeader))
            {
                errors.Add(field, $"{label} must not contain line breaks (CR, LF) or NUL characters.");
            }
        }

        return errors.ToDictionary();

        // Values a header carries as they are (not Base64-encoded, not only signed with): .NET sends visible ASCII there.
        bool SentAsIsInHeader(string field) => field switch
        {
            nameof(input.ClientId) => type == CredentialType.HmacSignature || (type == CredentialType.ClientId && inHeader),
            nameof(input.Secret) => type == CredentialType.BearerToken && inHeader,
            _ => false,
        };
    }

    /// <summary>What an edit keeps when a write-only field is left alone; the rules need it where a kept value must fit.</summary>
    public sealed record StoredValues(bool HasClientId, bool SecretIsStandardWebhooksKey);

    // On edit the form holds no write-only value; the rules treat them as kept (see ValidateOAuth).
    private static readonly OAuth.OAuthSettings KeptOnEdit = new() { GrantType = default, TokenUrl = "", ClientId = "" };

    /// <summary>
    /// OAuth 2.0: the settings' own rules, field by field. On edit, empty write-only values keep the stored ones; the
    /// service checks the merged settings again (a grant switched on edit may need a value that was never stored).
    /// </summary>
    private static void ValidateOAuth(CredentialInput input, bool isCreate, ValidationErrors errors) =>
        input.ToOAuthSettings(isCreate ? null : KeptOnEdit).Validate(errors, requireSecrets: isCreate);

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

    /// <summary>A new secret for the t=,v1=,key= format: 32 random bytes as 64 lowercase hex characters.</summary>
    public static string NewHmacSecret() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A new Standard Webhooks secret: whsec_ and 32 random bytes.</summary>
    public static string NewStandardWebhooksSecret() =>
        "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}

using System.Text.Json;
using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Credentials.Api;

/// <summary>
/// The API's names for the domain's choices and fields: stable snake_case strings. Choices are the enum member names in
/// snake_case (Header → header, StandardWebhooks → standard_webhooks), fields the <see cref="CredentialInput"/> property
/// names in snake_case (FieldName → field_name), so that a rule's message lands on the API field it is about.
/// </summary>
public static class CredentialApiNames
{
    // OAuth2 would read o_auth2.
    private static readonly Dictionary<CredentialType, string> TypeNames = Enum.GetValues<CredentialType>()
        .ToDictionary(t => t, t => t == CredentialType.OAuth2 ? "oauth2" : Snake(t.ToString()));

    /// <summary>Every type's API name, in the domain's order.</summary>
    public static IReadOnlyList<string> Types { get; } = [.. TypeNames.Values];

    public static string Of(CredentialType type) => TypeNames[type];

    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => value switch
    {
        CredentialType type => TypeNames[type],
        _ => Snake(value.ToString()),
    };

    /// <summary>The API names of an enum's members (for documentation and messages).</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => [.. Enum.GetValues<TEnum>().Select(Of)];

    /// <summary>The member an API name stands for; case-insensitive, so that "Bearer_Token" is not refused for its case.</summary>
    public static bool TryParse<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Of(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The API field a domain field (a <see cref="CredentialInput"/> or <see cref="OAuthSettings"/> property) is sent in.</summary>
    public static string Field(string domainField) => domainField switch
    {
        nameof(CredentialInput.PrivateKeyPem) => "private_key_pem",
        _ => Snake(domainField),
    };

    /// <summary>The domain's field → messages, keyed by the API's field names instead.</summary>
    public static Dictionary<string, string[]> Fields(IReadOnlyDictionary<string, string[]> errors) =>
        errors.GroupBy(e => Field(e.Key)).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).Distinct().ToArray());

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}

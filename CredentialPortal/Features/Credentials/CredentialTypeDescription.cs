namespace CredentialPortal.Features.Credentials;

/// <summary>
/// What one credential type is made of: its name, its two values and their labels, where it travels. The one place the
/// form (which fields to show), the rules (what is required) and the wire format (which header) read these facts.
/// </summary>
public sealed record CredentialTypeDescription
{
    public required CredentialType Type { get; init; }

    /// <summary>As the Type column and the Type choice show it.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The label of the first value (stored as ProtectedClientId: Value, Client ID, Username, Key ID), or null.</summary>
    public string? ClientIdLabel { get; init; }

    /// <summary>
    /// Whether the first value is write-only like a secret: a Client ID that authenticates on its own (or is half of the
    /// encoded value). Identifiers that prove nothing alone (Key ID, Username, an OAuth client id) are shown on edit.
    /// </summary>
    public bool ClientIdIsSecret { get; init; }

    /// <summary>The label of the write-only secret (stored as ProtectedSecret: Secret, Token, Password), or null.</summary>
    public string? SecretLabel { get; init; }

    /// <summary>
    /// Whether the secret is a password a person chose: no ending of it is kept, since the last 4 characters of a
    /// human-chosen password give away far more than those of a generated token.
    /// </summary>
    public bool SecretIsPassword { get; init; }

    /// <summary>Whether the person picks the field name and Header or Query Param (the spec's two types).</summary>
    public bool HasLocation { get; init; }

    /// <summary>The header the type is sent in when the person names none (or may name none), or null.</summary>
    public string? DefaultHeaderName { get; init; }

    /// <summary>Whether the person names the header (Bearer Token, HMAC t=,v1=,key=); otherwise it is <see cref="DefaultHeaderName"/>.</summary>
    public bool HeaderNameEditable { get; init; }

    public static IReadOnlyList<CredentialTypeDescription> All { get; } =
    [
        new()
        {
            Type = CredentialType.ClientId, DisplayName = "Client ID",
            ClientIdLabel = "Value", ClientIdIsSecret = true, HasLocation = true,
        },
        new()
        {
            Type = CredentialType.ClientIdAndSecret, DisplayName = "Client ID and Secret",
            ClientIdLabel = "Client ID", ClientIdIsSecret = true, SecretLabel = "Secret", HasLocation = true,
        },
        new()
        {
            Type = CredentialType.BearerToken, DisplayName = "Bearer Token",
            SecretLabel = "Token", DefaultHeaderName = "Authorization", HeaderNameEditable = true,
        },
        new()
        {
            Type = CredentialType.BasicAuth, DisplayName = "Basic Auth",
            ClientIdLabel = "Username", SecretLabel = "Password", SecretIsPassword = true, DefaultHeaderName = "Authorization",
        },
        new()
        {
            Type = CredentialType.HmacSignature, DisplayName = "HMAC Signature",
            ClientIdLabel = "Key ID", SecretLabel = "Secret", DefaultHeaderName = "X-Signature", HeaderNameEditable = true,
        },
        new()
        {
            // The OAuth settings (OAuthSettings) name the rest; the secret applies to the grants that use one.
            Type = CredentialType.OAuth2, DisplayName = "OAuth 2.0",
            ClientIdLabel = "Client ID", SecretLabel = "Secret", DefaultHeaderName = "Authorization",
        },
    ];

    private static readonly Dictionary<CredentialType, CredentialTypeDescription> ByType = All.ToDictionary(d => d.Type);

    public static CredentialTypeDescription Of(CredentialType type) =>
        ByType.TryGetValue(type, out var description)
            ? description
            : new CredentialTypeDescription { Type = type, DisplayName = type.ToString() };

    /// <summary>The first value's label for this HMAC format: Standard Webhooks has no key id.</summary>
    public string? ClientIdLabelFor(HmacFormat? format) => UsesStandardWebhooks(format) ? null : ClientIdLabel;

    /// <summary>
    /// The label of the field or header name the person types (Field Name, Header Name), or null when the type names its
    /// own header (Basic Auth, OAuth 2.0) or headers (Standard Webhooks).
    /// </summary>
    public string? FieldNameLabel(HmacFormat? format) =>
        HasLocation ? "Field Name" : HeaderNameEditable && !UsesStandardWebhooks(format) ? "Header Name" : null;

    /// <summary>The field or header name to store: the typed one where the person names it, else the type's own.</summary>
    public string StoredFieldName(HmacFormat? format, string? typed) =>
        FieldNameLabel(format) is null ? DefaultHeaderName ?? "" : (typed ?? "").Trim();

    /// <summary>Whether the credential goes in a header (every type but a Client ID sent as a query parameter).</summary>
    public bool SendsInHeader(CredentialLocation location) => !HasLocation || location == CredentialLocation.Header;

    /// <summary>The secret the Generate button makes for this format; null for types that have none to generate.</summary>
    public string? NewSecret(HmacFormat? format) => Type != CredentialType.HmacSignature
        ? null
        : UsesStandardWebhooks(format) ? CredentialRules.NewStandardWebhooksSecret() : CredentialRules.NewHmacSecret();

    private bool UsesStandardWebhooks(HmacFormat? format) => Type == CredentialType.HmacSignature && format == HmacFormat.StandardWebhooks;
}

/// <summary>
/// The ending a stored write-only value is recognised by: its last 4 characters, kept only when the value is long enough
/// that 4 characters give little away. Computed once, when the value is saved.
/// </summary>
public static class CredentialHint
{
    /// <summary>Below this length no ending is kept: 4 of fewer characters would give away too much.</summary>
    public const int MinLengthForHint = 12;

    public static string? Of(string? value) => value is { Length: >= MinLengthForHint } ? value[^4..] : null;

    /// <summary>As an API shows a hint: "..." and the last 4 characters, or null when none was kept.</summary>
    public static string? ForApi(string? hint) => hint is null ? null : "..." + hint;

    /// <summary>As the form shows a stored value: "Configured · ends in …y123", or "Configured" when no ending was kept.</summary>
    public static string Describe(string? hint) => hint is null ? "Configured" : $"Configured · ends in …{hint}";
}

using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Credentials;

/// <summary>
/// What the credential form binds. <see cref="ClientId"/> is the first value (Value, Client ID, Username, Key ID)
/// and <see cref="Secret"/> the write-only one (Secret, Token, Password), as <see cref="CredentialTypeNames"/>
/// labels them per type. On edit, an empty ClientId or Secret keeps the stored one.
/// </summary>
public sealed class CredentialInput
{
    public string Name { get; set; } = "";
    public CredentialType? Type { get; set; }
    public string FieldName { get; set; } = "";
    public CredentialLocation Location { get; set; } = CredentialLocation.Header;
    public string? ClientId { get; set; }
    public string? Secret { get; set; }

    /// <summary>HMAC Signature only.</summary>
    public HmacFormat? Format { get; set; } = HmacFormat.TimestampSignatureKey;

    // OAuth 2.0 only; the property names are OAuthSettings' so that its messages land beside these fields.
    public OAuthGrantType GrantType { get; set; } = OAuthGrantType.ClientCredentials;
    public string? TokenUrl { get; set; }
    public string? Scopes { get; set; }
    public OAuthClientAuthentication ClientAuthentication { get; set; } = OAuthClientAuthentication.BasicAuthHeader;

    /// <summary>Write-only like the secret: on edit, empty keeps the stored one.</summary>
    public string? Username { get; set; }

    /// <summary>Write-only like the secret: on edit, empty keeps the stored one.</summary>
    public string? Password { get; set; }
    public string? RefreshTokenUrl { get; set; }
    public OAuthSigningAlgorithm SigningAlgorithm { get; set; } = OAuthSigningAlgorithm.RS256;

    /// <summary>
    /// A newly generated private key (Generate key pair / Regenerate), held on the server until saved; never bound to
    /// a field. Null keeps the stored key.
    /// </summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>The OAuth settings these fields describe, with the stored values the editor left empty filled in.</summary>
    internal OAuthSettings ToOAuthSettings(OAuthSettings? stored = null) => new()
    {
        GrantType = GrantType,
        TokenUrl = TokenUrl?.Trim() ?? "",
        ClientId = KeepIfEmpty(ClientId, stored?.ClientId) ?? "",
        Scopes = Scopes,
        Secret = KeepIfEmpty(Secret, stored?.Secret),
        ClientAuthentication = ClientAuthentication,
        Username = KeepIfEmpty(Username, stored?.Username),
        Password = KeepIfEmpty(Password, stored?.Password),
        RefreshTokenUrl = string.IsNullOrWhiteSpace(RefreshTokenUrl) ? null : RefreshTokenUrl.Trim(),
        SigningAlgorithm = SigningAlgorithm,
        PrivateKeyPem = KeepIfEmpty(PrivateKeyPem, stored?.PrivateKeyPem),
    };

    private static string? KeepIfEmpty(string? typed, string? stored) => string.IsNullOrEmpty(typed) ? stored : typed;

    /// <summary>The version the editor loaded; a save against a newer one is refused.</summary>
    public int Version { get; set; }

    /// <summary>
    /// Made when the create form opens: a save repeated with the same key (a double click, Enter twice) returns the
    /// credential the first one created instead of adding another.
    /// </summary>
    public Guid? IdempotencyKey { get; set; }
}

/// <summary>A stored credential as the edit form sees it: no secret, only whether one is set and a short hint.</summary>
public sealed record CredentialForEdit(
    int Id,
    string Name,
    CredentialType Type,
    string FieldName,
    CredentialLocation Location,
    HmacFormat? Format,
    string? ClientIdHint,
    string? SecretHint,
    bool HasSecret,
    DateTime LastModifiedUtc,
    int Version,
    OAuthForEdit? OAuth = null)
{
    public CredentialInput ToInput() => new()
    {
        Name = Name,
        Type = Type,
        FieldName = FieldName,
        Location = Location,
        Format = Format,
        GrantType = OAuth?.GrantType ?? OAuthGrantType.ClientCredentials,
        TokenUrl = OAuth?.TokenUrl,
        Scopes = OAuth?.Scopes,
        ClientAuthentication = OAuth?.ClientAuthentication ?? OAuthClientAuthentication.BasicAuthHeader,
        RefreshTokenUrl = OAuth?.RefreshTokenUrl,
        SigningAlgorithm = OAuth?.SigningAlgorithm ?? OAuthSigningAlgorithm.RS256,
        Version = Version,
    };
}

/// <summary>A stored OAuth 2.0 credential's settings as the edit form sees them: hints for the write-only values, the public key.</summary>
public sealed record OAuthForEdit(
    OAuthGrantType GrantType,
    string TokenUrl,
    string? Scopes,
    OAuthClientAuthentication ClientAuthentication,
    string? RefreshTokenUrl,
    OAuthSigningAlgorithm SigningAlgorithm,
    string? UsernameHint,
    string? PasswordHint,
    bool HasPassword,
    OAuthPublicKey? PublicKey);

public sealed record CredentialRow(int Id, string Name, CredentialType Type, DateTime LastModifiedUtc);

/// <summary>
/// A page of the credential list with its total. When <see cref="MoreThanTotal"/> is set the total was not counted to
/// the end (a one- or two-character search with very many matches): at least <see cref="TotalCount"/> + 1 credentials
/// match, and <see cref="TotalCount"/> always reaches past the page, so that a pager can still offer the next one.
/// </summary>
public sealed record CredentialPage(IReadOnlyList<CredentialRow> Items, int TotalCount, bool MoreThanTotal = false);

public enum CredentialSort
{
    LastModified,
    Name,
    Type,
}

public sealed record CredentialListQuery(
    string? Search = null,
    CredentialSort SortBy = CredentialSort.LastModified,
    bool Descending = true,
    int Page = 0,
    int PageSize = 25);

/// <summary>An alert (or anything else) that points at a credential; shown before deletion.</summary>
public sealed record CredentialReference(string Description, string Href);

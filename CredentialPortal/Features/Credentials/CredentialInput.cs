using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Credentials;

/// <summary>
/// What the credential form binds. <see cref="ClientId"/> is the first value (Value, Client ID, Username, Key ID)
/// and <see cref="Secret"/> the write-only one (Secret, Token, Password), as <see cref="CredentialTypeNames"/>
/// labels them per type. On edit, an empty write-only value (Secret, a Client ID's Value) keeps the stored one.
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

    /// <summary>The resource owner's user name (Password Credentials): an identifier, shown on edit.</summary>
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
        // The client id and the user name are identifiers the form shows and sends back; only secrets are kept when empty.
        ClientId = ClientId ?? "",
        Scopes = Scopes,
        Secret = KeepIfEmpty(Secret, stored?.Secret),
        ClientAuthentication = ClientAuthentication,
        Username = Username,
        Password = KeepIfEmpty(Password, stored?.Password),
        RefreshTokenUrl = string.IsNullOrWhiteSpace(RefreshTokenUrl) ? null : RefreshTokenUrl.Trim(),
        SigningAlgorithm = SigningAlgorithm,
        PrivateKeyPem = KeepIfEmpty(PrivateKeyPem, stored?.PrivateKeyPem),
    };

    private static string? KeepIfEmpty(string? typed, string? stored) => string.IsNullOrEmpty(typed) ? stored : typed;

    /// <summary>
    /// The type was chosen: a new credential starts with its type's header name; a name the person typed (anything but
    /// another type's default) is kept.
    /// </summary>
    public void ApplyTypeDefaults()
    {
        var defaults = CredentialTypeDescription.All.Select(d => d.DefaultHeaderName ?? "");
        if (string.IsNullOrWhiteSpace(FieldName) || defaults.Contains(FieldName))
        {
            FieldName = Type is { } type ? CredentialTypeDescription.Of(type).DefaultHeaderName ?? "" : "";
        }
    }

    /// <summary>
    /// Generate secret: a new secret for the chosen HMAC format, put in <see cref="Secret"/> and returned (null when the
    /// type has none to generate). The format stays the person's choice.
    /// </summary>
    public string? GenerateSecret()
    {
        var secret = Type is { } type ? CredentialTypeDescription.Of(type).NewSecret(Format) : null;
        if (secret is not null)
        {
            Secret = secret;
        }
        return secret;
    }

    /// <summary>
    /// The request these fields make, as the wire format sends it. Write-only values count only when the person has
    /// them shown (<paramref name="showClientId"/>, <paramref name="showSecret"/>): otherwise, like values not typed
    /// (stored ones), what depends on them reads ****.
    /// </summary>
    public IReadOnlyList<PreviewLine> Preview(bool showClientId = false, bool showSecret = false)
    {
        if (Type is not { } type)
        {
            return [];
        }
        var clientId = CredentialTypeDescription.Of(type).ClientIdIsSecret && !showClientId ? null : ClientId;
        var secret = type == CredentialType.OAuth2 || !showSecret ? null : Secret;
        return CredentialWireFormat.Preview(type, FieldName, Location, Format, clientId, secret, TokenUrl);
    }

    /// <summary>The values the form holds, to tell whether leaving would lose changes. Kept in memory only.</summary>
    public string Snapshot() => System.Text.Json.JsonSerializer.Serialize(this);

    /// <summary>The version the editor loaded; a save against a newer one is refused.</summary>
    public int Version { get; set; }

    /// <summary>
    /// Made when the create form opens: a save repeated with the same key (a double click, Enter twice) returns the
    /// credential the first one created instead of adding another.
    /// </summary>
    public Guid? IdempotencyKey { get; set; }
}

/// <summary>
/// A stored credential as the edit form sees it: identifiers (Key ID, Username, an OAuth client id) in full, write-only
/// values only as whether they are set and the hint saved with them (<see cref="CredentialHint"/>).
/// </summary>
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
    /// <summary>The id the REST API names the credential by.</summary>
    public Guid PublicId { get; init; }

    /// <summary>The first value when it is an identifier the form shows (see <see cref="CredentialTypeDescription.ClientIdIsSecret"/>).</summary>
    public string? ClientId { get; init; }

    /// <summary>Whether a write-only first value is stored (a Client ID's Value, a Client ID and Secret's Client ID).</summary>
    public bool HasClientId { get; init; }

    /// <summary>Whether the stored secret is a whsec_ one, which a switch to Standard Webhooks can keep.</summary>
    public bool SecretIsStandardWebhooksKey { get; init; }

    /// <summary>When the secret was last rotated (null: never, or rolled back).</summary>
    public DateTime? RotatedUtc { get; init; }

    /// <summary>When the previous secret stops working; compare it with the clock when showing it.</summary>
    public DateTime? GraceEndsUtc { get; init; }

    /// <summary>What an edit that leaves the write-only fields alone keeps, as the rules need it.</summary>
    public CredentialRules.StoredValues Kept => new(HasClientId, SecretIsStandardWebhooksKey);

    public CredentialInput ToInput() => new()
    {
        Name = Name,
        Type = Type,
        FieldName = FieldName,
        Location = Location,
        Format = Format,
        ClientId = ClientId,
        GrantType = OAuth?.GrantType ?? OAuthGrantType.ClientCredentials,
        TokenUrl = OAuth?.TokenUrl,
        Scopes = OAuth?.Scopes,
        ClientAuthentication = OAuth?.ClientAuthentication ?? OAuthClientAuthentication.BasicAuthHeader,
        Username = OAuth?.Username,
        RefreshTokenUrl = OAuth?.RefreshTokenUrl,
        SigningAlgorithm = OAuth?.SigningAlgorithm ?? OAuthSigningAlgorithm.RS256,
        Version = Version,
    };
}

/// <summary>A stored OAuth 2.0 credential's settings as the edit form sees them: the password's hint, the public key.</summary>
public sealed record OAuthForEdit(
    OAuthGrantType GrantType,
    string TokenUrl,
    string? Scopes,
    OAuthClientAuthentication ClientAuthentication,
    string? RefreshTokenUrl,
    OAuthSigningAlgorithm SigningAlgorithm,
    string? Username,
    string? PasswordHint,
    bool HasPassword,
    OAuthPublicKey? PublicKey);

/// <summary>
/// A row of the credential list; <see cref="PublicId"/> is the API's name for it. <see cref="UsedBy"/>: how many alerts
/// chose it plus how many hierarchy levels have it as their own.
/// </summary>
public sealed record CredentialRow(int Id, string Name, CredentialType Type, DateTime LastModifiedUtc, Guid PublicId = default, int UsedBy = 0);

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
    UsedBy,
}

public sealed record CredentialListQuery(
    string? Search = null,
    CredentialSort SortBy = CredentialSort.LastModified,
    bool Descending = true,
    int Page = 0,
    int PageSize = 25);

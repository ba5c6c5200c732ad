using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Credentials;

public enum CredentialType
{
    ClientId = 1,
    ClientIdAndSecret = 2,
    BearerToken = 3,
    BasicAuth = 4,
    HmacSignature = 5,
    OAuth2 = 6,
}

/// <summary>How an HMAC Signature credential signs (fixed field labels).</summary>
public enum HmacFormat
{
    /// <summary><c>X-Signature: t=&lt;unix s&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;,key=&lt;key id&gt;</c>.</summary>
    TimestampSignatureKey = 1,

    /// <summary>The Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature.</summary>
    StandardWebhooks = 2,
}

public enum CredentialLocation
{
    Header = 1,
    QueryParam = 2,
}

/// <summary>
/// A webhook credential. Its two values are only ever held here encrypted (Data Protection): the client id, user
/// name or key id, and the secret, token or password.
/// </summary>
public class Credential
{
    private CredentialType type;

    public int Id { get; set; }

    /// <summary>The id the REST API shows (<c>credential_id</c>); <see cref="Id"/> stays the internal key.</summary>
    public Guid PublicId { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>Setting the type also sets <see cref="TypeName"/>, the key the list sorts the Type column by.</summary>
    public CredentialType Type
    {
        get => type;
        set
        {
            type = value;
            TypeName = value.DisplayName();
        }
    }

    /// <summary>
    /// The type's display name, stored so that sorting by Type follows the names the list shows and still walks an index
    /// (the enum's order is not the names' order).
    /// </summary>
    public string TypeName { get; private set; } = "";

    public required string FieldName { get; set; }
    public CredentialLocation Location { get; set; }
    /// <summary>Empty for types without a first value (Bearer Token).</summary>
    public string ProtectedClientId { get; set; } = "";
    public string? ProtectedSecret { get; set; }

    // Set at save time (CredentialHint.Of): the last 4 characters of a long enough write-only value, else null. The
    // stored state of the form reads them without decrypting anything.
    public string? ClientIdHint { get; set; }
    public string? SecretHint { get; set; }
    public string? PasswordHint { get; set; }

    /// <summary>HMAC Signature only.</summary>
    public HmacFormat? Format { get; set; }

    // OAuth 2.0 only. The client id is ProtectedClientId and the client secret ProtectedSecret.
    public OAuthGrantType? GrantType { get; set; }
    public string? TokenUrl { get; set; }
    public string? Scopes { get; set; }
    public OAuthClientAuthentication? ClientAuthentication { get; set; }
    public string? RefreshTokenUrl { get; set; }
    public OAuthSigningAlgorithm? SigningAlgorithm { get; set; }

    /// <summary>The resource owner's user name and password (Password Credentials grant).</summary>
    public string? ProtectedUsername { get; set; }
    public string? ProtectedPassword { get; set; }

    /// <summary>The RSA private key PEM that signs the JWT client assertion (Client Credentials with JWT).</summary>
    public string? ProtectedPrivateKey { get; set; }
    // Rotation: the values the credential had before its last rotation, kept (encrypted) until GraceEndsUtc so that
    // signatures can carry both secrets and header types can roll back. Cleared when the window ends or is rolled back.
    public string? ProtectedPreviousClientId { get; set; }
    public string? ProtectedPreviousSecret { get; set; }
    public string? ProtectedPreviousPrivateKey { get; set; }
    public string? PreviousSecretHint { get; set; }
    public DateTime? RotatedUtc { get; set; }

    /// <summary>When the previous values stop being used; the delivery path compares it with its own clock.</summary>
    public DateTime? GraceEndsUtc { get; set; }

    /// <summary>The create form's key: a second create with the same key returns this credential instead of adding one.</summary>
    public Guid? IdempotencyKey { get; set; }

    public DateTime CreatedUtc { get; set; }
    public DateTime LastModifiedUtc { get; set; }

    /// <summary>Optimistic concurrency token: bumped on every save.</summary>
    public int Version { get; set; }
}

public static class CredentialTypeNames
{
    public static string DisplayName(this CredentialType type) => CredentialTypeDescription.Of(type).DisplayName;

    /// <summary>How pages name a credential with its type: "Bearer Token 'Acme key'".</summary>
    public static string Describe(this CredentialType type, string name) => $"{type.DisplayName()} '{name}'";

    public static string DisplayName(this HmacFormat format) => format switch
    {
        HmacFormat.StandardWebhooks => "Standard Webhooks",
        _ => "t=,v1=,key=",
    };

    /// <summary>The label of the first value (stored as ProtectedClientId), or null when the type has none.</summary>
    public static string? ClientIdLabel(this CredentialType type) => CredentialTypeDescription.Of(type).ClientIdLabel;

    /// <summary>The label of the first value for this type and HMAC format: Standard Webhooks has no key id.</summary>
    public static string? ClientIdLabel(this CredentialType type, HmacFormat? format) => CredentialTypeDescription.Of(type).ClientIdLabelFor(format);

    /// <summary>The label of the write-only secret (stored as ProtectedSecret), or null when the type has none.</summary>
    public static string? SecretLabel(this CredentialType type) => CredentialTypeDescription.Of(type).SecretLabel;

    /// <summary>Whether the person picks the header or query field name and location (the spec's two types).</summary>
    public static bool HasLocation(this CredentialType type) => CredentialTypeDescription.Of(type).HasLocation;

    /// <summary>The header name a new credential of the type starts with.</summary>
    public static string DefaultFieldName(this CredentialType type) => CredentialTypeDescription.Of(type).DefaultHeaderName ?? "";

    public static string DisplayName(this CredentialLocation location) => location switch
    {
        CredentialLocation.Header => "Header",
        CredentialLocation.QueryParam => "Query Param",
        _ => location.ToString(),
    };
}

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
    public int Id { get; set; }
    public required string Name { get; set; }
    public CredentialType Type { get; set; }
    public required string FieldName { get; set; }
    public CredentialLocation Location { get; set; }
    /// <summary>Empty for types without a first value (Bearer Token).</summary>
    public string ProtectedClientId { get; set; } = "";
    public string? ProtectedSecret { get; set; }

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
    /// <summary>The create form's key: a second create with the same key returns this credential instead of adding one.</summary>
    public Guid? IdempotencyKey { get; set; }

    public DateTime CreatedUtc { get; set; }
    public DateTime LastModifiedUtc { get; set; }

    /// <summary>Optimistic concurrency token: bumped on every save.</summary>
    public int Version { get; set; }
}

public static class CredentialTypeNames
{
    public static string DisplayName(this CredentialType type) => type switch
    {
        CredentialType.ClientId => "Client ID",
        CredentialType.ClientIdAndSecret => "Client ID and Secret",
        CredentialType.BearerToken => "Bearer Token",
        CredentialType.BasicAuth => "Basic Auth",
        CredentialType.HmacSignature => "HMAC Signature",
        CredentialType.OAuth2 => "OAuth 2.0",
        _ => type.ToString(),
    };

    public static string DisplayName(this HmacFormat format) => format switch
    {
        HmacFormat.StandardWebhooks => "Standard Webhooks",
        _ => "t=,v1=,key=",
    };

    /// <summary>The label of the first value (stored as ProtectedClientId), or null when the type has none.</summary>
    public static string? ClientIdLabel(this CredentialType type) => type switch
    {
        CredentialType.ClientId => "Value",
        CredentialType.ClientIdAndSecret or CredentialType.OAuth2 => "Client ID",
        CredentialType.BasicAuth => "Username",
        CredentialType.HmacSignature => "Key ID",
        _ => null,
    };

    /// <summary>The label of the first value for this type and HMAC format: Standard Webhooks has no key id.</summary>
    public static string? ClientIdLabel(this CredentialType type, HmacFormat? format) =>
        type == CredentialType.HmacSignature && format == HmacFormat.StandardWebhooks ? null : type.ClientIdLabel();

    /// <summary>
    /// The label of the write-only secret (stored as ProtectedSecret), or null when the type has none. OAuth 2.0 has one
    /// only for the grants that authenticate the client with a secret.
    /// </summary>
    public static string? SecretLabel(this CredentialType type) => type switch
    {
        CredentialType.ClientIdAndSecret or CredentialType.HmacSignature or CredentialType.OAuth2 => "Secret",
        CredentialType.BearerToken => "Token",
        CredentialType.BasicAuth => "Password",
        _ => null,
    };

    /// <summary>Whether the person picks the header or query field name and location (the spec's two types).</summary>
    public static bool HasLocation(this CredentialType type) => type is CredentialType.ClientId or CredentialType.ClientIdAndSecret;

    /// <summary>The header name a new credential of the type starts with.</summary>
    public static string DefaultFieldName(this CredentialType type) => type switch
    {
        CredentialType.BearerToken or CredentialType.BasicAuth or CredentialType.OAuth2 => "Authorization",
        CredentialType.HmacSignature => "X-Signature",
        _ => "",
    };

    public static string DisplayName(this CredentialLocation location) => location switch
    {
        CredentialLocation.Header => "Header",
        CredentialLocation.QueryParam => "Query Param",
        _ => location.ToString(),
    };
}

using System.Buffers;
using System.Text.RegularExpressions;
using CredentialPortal.Features.Shared;

namespace CredentialPortal.Features.Credentials.OAuth;

/// <summary>How the portal obtains an access token.</summary>
public enum OAuthGrantType
{
    /// <summary>RFC 6749 §4.4 with a client secret.</summary>
    ClientCredentials = 1,

    /// <summary>RFC 6749 §4.3, the resource owner password credentials grant.</summary>
    PasswordCredentials = 2,

    /// <summary>RFC 6749 §4.4 with the client authenticated by a signed JWT (RFC 7523 §2.2) instead of a secret.</summary>
    ClientCredentialsWithJwt = 3,
}

/// <summary>How the client id and secret reach the token endpoint (RFC 6749 §2.3.1).</summary>
public enum OAuthClientAuthentication
{
    /// <summary><c>Authorization: Basic</c> over the form-urlencoded client id and secret.</summary>
    BasicAuthHeader = 1,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the request body.</summary>
    CredentialsInBody = 2,
}

/// <summary>The RSA signature of the JWT client assertion (RFC 7518 §3.3).</summary>
public enum OAuthSigningAlgorithm
{
    RS256 = 1,
    RS384 = 2,
    RS512 = 3,
}

/// <summary>
/// Everything needed to obtain an access token for one OAuth 2.0 credential, already decrypted. Which fields apply
/// depends on <see cref="GrantType"/>: Secret and ClientAuthentication for the two secret-based grants, Username,
/// Password and RefreshTokenUrl for password credentials, SigningAlgorithm and PrivateKeyPem for the JWT grant.
/// Never logged: its text form names no secret.
/// </summary>
public sealed record OAuthSettings
{
    public const int ValueMaxLength = 4096;

    /// <summary>A PKCS#8 private key PEM of RSA 2048 is about 1,700 characters; this leaves room for 4096-bit keys.</summary>
    public const int PrivateKeyMaxLength = 8192;

    public required OAuthGrantType GrantType { get; init; }

    /// <summary>The "Access Token URL": the authorization server's token endpoint, and the JWT assertion's audience.</summary>
    public required string TokenUrl { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Optional, space-separated scope tokens (RFC 6749 §3.3).</summary>
    public string? Scopes { get; init; }

    /// <summary>The client secret (ClientCredentials, PasswordCredentials).</summary>
    public string? Secret { get; init; }

    public OAuthClientAuthentication ClientAuthentication { get; init; } = OAuthClientAuthentication.BasicAuthHeader;

    /// <summary>The resource owner's user name (PasswordCredentials).</summary>
    public string? Username { get; init; }

    /// <summary>The resource owner's password (PasswordCredentials).</summary>
    public string? Password { get; init; }

    /// <summary>Where refresh_token grants go (PasswordCredentials); the token URL when empty.</summary>
    public string? RefreshTokenUrl { get; init; }

    public OAuthSigningAlgorithm SigningAlgorithm { get; init; } = OAuthSigningAlgorithm.RS256;

    /// <summary>The RSA private key as PEM, PKCS#8 as <see cref="OAuthKeys.Generate"/> makes it (ClientCredentialsWithJwt).</summary>
    public string? PrivateKeyPem { get; init; }

    /// <summary>The scope parameter to send: the tokens joined by single spaces, or null when there are none.</summary>
    public string? ScopeParameter =>
        string.IsNullOrWhiteSpace(Scopes) ? null : string.Join(' ', Scopes.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The URL refresh_token grants are sent to.</summary>
    public string EffectiveRefreshTokenUrl => string.IsNullOrWhiteSpace(RefreshTokenUrl) ? TokenUrl : RefreshTokenUrl;

    /// <summary>Whether the grant authenticates the client with a secret (and so uses <see cref="ClientAuthentication"/>).</summary>
    public bool UsesSecret => GrantType is OAuthGrantType.ClientCredentials or OAuthGrantType.PasswordCredentials;

    // Keeps the secret, password and private key out of logs and debugger displays.
    public override string ToString() => $"OAuth 2.0 {GrantType.DisplayName()} for client '{ClientId}' at {TokenUrl}";

    // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), i.e. visible ASCII but " and \.
    private static readonly SearchValues<char> ScopeTokenChars = SearchValues.Create(
        "!#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>
    /// Field (a property name of this record) → messages; empty when the settings can request a token. Labels are the
    /// form's. <paramref name="requireSecrets"/> is false on edit, where an empty secret keeps the stored one.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Validate(bool requireSecrets = true)
    {
        var errors = new ValidationErrors();
        Validate(errors, requireSecrets);
        return errors.ToDictionary();
    }

    /// <summary>Adds the messages of <see cref="Validate(bool)"/> to <paramref name="errors"/> (the credential rules' collector).</summary>
    public void Validate(ValidationErrors errors, bool requireSecrets)
    {
        void Add(string field, string message) => errors.Add(field, message);

        if (!Enum.IsDefined(GrantType))
        {
            Add(nameof(GrantType), "Choose a grant type.");
        }

        if (CheckUrl(TokenUrl, required: true) is { } tokenUrlError)
        {
            Add(nameof(TokenUrl), $"Access Token URL {tokenUrlError}");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            Add(nameof(ClientId), "Client ID is required.");
        }
        else if (ClientId.Length > ValueMaxLength)
        {
            Add(nameof(ClientId), $"Client ID must be at most {ValueMaxLength} characters.");
        }

        if (ScopeParameter is { } scope && scope.Split(' ').Any(token => token.AsSpan().ContainsAnyExcept(ScopeTokenChars)))
        {
            Add(nameof(Scopes), "Scopes are separated by spaces and may not contain \" or \\ or non-ASCII characters.");
        }

        if (UsesSecret)
        {
            // A password grant may come from a public client (no secret, RFC 6749 §2.1); client credentials never.
            if (requireSecrets && GrantType == OAuthGrantType.ClientCredentials && string.IsNullOrEmpty(Secret))
            {
                Add(nameof(Secret), "Secret is required.");
            }
            if (!Enum.IsDefined(ClientAuthentication))
            {
                Add(nameof(ClientAuthentication), "Choose how the client authenticates: Basic Auth header or Credentials in body.");
            }
        }

        if (GrantType == OAuthGrantType.PasswordCredentials)
        {
            if (string.IsNullOrEmpty(Username))
            {
                Add(nameof(Username), "Username is required.");
            }
            if (requireSecrets && string.IsNullOrEmpty(Password))
            {
                Add(nameof(Password), "Password is required.");
            }
            if (CheckUrl(RefreshTokenUrl, required: false) is { } refreshUrlError)
            {
                Add(nameof(RefreshTokenUrl), $"Refresh Token URL {refreshUrlError}");
            }
        }

        if (GrantType == OAuthGrantType.ClientCredentialsWithJwt)
        {
            if (!Enum.IsDefined(SigningAlgorithm))
            {
                Add(nameof(SigningAlgorithm), "Choose a signing algorithm: RS256, RS384 or RS512.");
            }
            if (requireSecrets && string.IsNullOrEmpty(PrivateKeyPem))
            {
                Add(nameof(PrivateKeyPem), "Generate a key pair first.");
            }
            else if (!string.IsNullOrEmpty(PrivateKeyPem) && !OAuthKeys.IsValidPrivateKey(PrivateKeyPem))
            {
                Add(nameof(PrivateKeyPem), "The private key is not an RSA private key PEM of at least 2048 bits.");
            }
        }

        foreach (var (field, value, max) in new[]
                 {
                     (nameof(Secret), Secret, ValueMaxLength),
                     (nameof(Username), Username, ValueMaxLength),
                     (nameof(Password), Password, ValueMaxLength),
                     (nameof(Scopes), Scopes, ValueMaxLength),
                     (nameof(PrivateKeyPem), PrivateKeyPem, PrivateKeyMaxLength),
                 })
        {
            if (value is { Length: var length } && length > max)
            {
                Add(field, $"{Label(field)} must be at most {max} characters.");
            }
        }
        foreach (var (field, value) in new[] { (nameof(ClientId), ClientId), (nameof(Secret), Secret), (nameof(Username), Username), (nameof(Password), Password) })
        {
            if (CredentialRules.HasForbiddenControlChars(value))
            {
                Add(field, $"{Label(field)} must not contain line breaks (CR, LF) or NUL characters.");
            }
        }
    }

    /// <summary>The form's label of a field (a property name of this record).</summary>
    public static string Label(string field) => field switch
    {
        nameof(GrantType) => "Grant Type",
        nameof(TokenUrl) => "Access Token URL",
        nameof(ClientId) => "Client ID",
        nameof(ClientAuthentication) => "Client Authentication",
        nameof(RefreshTokenUrl) => "Refresh Token URL",
        nameof(SigningAlgorithm) => "Signing Algorithm",
        nameof(PrivateKeyPem) => "Private key",
        _ => Regex.Replace(field, "(?<=[a-z])(?=[A-Z])", " "),
    };

    /// <summary>Null when the URL is usable (absolute http or https, no fragment, RFC 6749 §3.2); otherwise the rest of a sentence.</summary>
    private static string? CheckUrl(string? url, bool required)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return required ? "is required." : null;
        }
        if (url.Length > ValueMaxLength)
        {
            return $"must be at most {ValueMaxLength} characters.";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "must be an absolute http or https URL.";
        }
        return uri.Fragment.Length > 0 ? "must not contain a fragment (#)." : null;
    }
}

/// <summary>The names the form and the Type column show.</summary>
public static class OAuthNames
{
    public static string DisplayName(this OAuthGrantType grantType) => grantType switch
    {
        OAuthGrantType.ClientCredentials => "Client Credentials",
        OAuthGrantType.PasswordCredentials => "Password Credentials",
        OAuthGrantType.ClientCredentialsWithJwt => "Client Credentials with JWT",
        _ => grantType.ToString(),
    };

    public static string DisplayName(this OAuthClientAuthentication authentication) => authentication switch
    {
        OAuthClientAuthentication.BasicAuthHeader => "Basic Auth header",
        OAuthClientAuthentication.CredentialsInBody => "Credentials in body",
        _ => authentication.ToString(),
    };

    /// <summary>The JWS "alg" value (RS256, RS384, RS512).</summary>
    public static string JwsAlgorithm(this OAuthSigningAlgorithm algorithm) => algorithm switch
    {
        OAuthSigningAlgorithm.RS256 => "RS256",
        OAuthSigningAlgorithm.RS384 => "RS384",
        OAuthSigningAlgorithm.RS512 => "RS512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown signing algorithm."),
    };
}

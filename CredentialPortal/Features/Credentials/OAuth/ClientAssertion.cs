using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CredentialPortal.Features.Credentials.OAuth;

/// <summary>
/// The JWT that authenticates the client in the Client Credentials with JWT grant (RFC 7523 §2.2 and §3):
/// header alg and kid (the public key's RFC 7638 thumbprint), claims iss = sub = client id, aud = token URL, iat,
/// exp = iat + 5 minutes and a fresh jti, signed with the credential's RSA private key.
/// </summary>
public static class ClientAssertion
{
    /// <summary>The client_assertion_type of a JWT client assertion (RFC 7523 §2.2).</summary>
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>A signed assertion for <paramref name="audience"/> (the URL the assertion is sent to), issued now.</summary>
    public static string Create(string clientId, string audience, string privateKeyPem, OAuthSigningAlgorithm algorithm, TimeProvider time)
    {
        using var rsa = OAuthKeys.ImportPrivateKey(privateKeyPem);
        return Create(clientId, audience, rsa, algorithm, time);
    }

    /// <inheritdoc cref="Create(string, string, string, OAuthSigningAlgorithm, TimeProvider)"/>
    public static string Create(string clientId, string audience, RSA privateKey, OAuthSigningAlgorithm algorithm, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);

        // Whole seconds: iat and exp are NumericDate, and exp - iat is then exactly the lifetime.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var key = new RsaSecurityKey(privateKey)
        {
            KeyId = OAuthKeys.Thumbprint(privateKey.ExportParameters(includePrivateParameters: false)),
            // The caller disposes the RSA: a provider cached past that would sign with a disposed key.
            CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
        };

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            Expires = now.Add(Lifetime).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = clientId,
                // Unique per assertion so that the server can refuse a replay (RFC 7523 §3, item 7).
                [JwtRegisteredClaimNames.Jti] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            },
            SigningCredentials = new SigningCredentials(key, algorithm.JwsAlgorithm()),
        });
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace CredentialPortal.Features.Credentials.OAuth;

/// <summary>The public half of a JWT credential's key, as the form shows it for pasting into the authorization server.</summary>
/// <param name="Pem">SPKI PEM, <c>-----BEGIN PUBLIC KEY-----</c>.</param>
/// <param name="Jwk">A JWK (RFC 7517) with kty, use=sig, alg, kid, n and e.</param>
/// <param name="KeyId">The RFC 7638 JWK thumbprint (SHA-256, base64url): the JWK's kid and the assertion's kid header.</param>
public sealed record OAuthPublicKey(string Pem, string Jwk, string KeyId);

/// <summary>A newly generated key pair. The caller encrypts <see cref="PrivateKeyPem"/> like every secret.</summary>
public sealed record OAuthKeyPair(string PrivateKeyPem, OAuthPublicKey PublicKey)
{
    // Keeps the private key out of logs and debugger displays.
    public override string ToString() => $"RSA key pair {PublicKey.KeyId}";
}

/// <summary>RSA key pairs for the Client Credentials with JWT grant, and the views of their public key.</summary>
public static class OAuthKeys
{
    public const int KeySize = 2048;

    /// <summary>Below this an RSA key is refused (RFC 7518 §3.3 requires at least 2048 bits).</summary>
    public const int MinKeySize = 2048;

    /// <summary>A fresh RSA 2048 key pair: the private key as PKCS#8 PEM, the public key as PEM and JWK.</summary>
    public static OAuthKeyPair Generate(OAuthSigningAlgorithm algorithm = OAuthSigningAlgorithm.RS256)
    {
        using var rsa = RSA.Create(KeySize);
        return new OAuthKeyPair(rsa.ExportPkcs8PrivateKeyPem(), PublicKeyOf(rsa, algorithm));
    }

    /// <summary>The public key of a stored private key (PEM), for showing it again after saving.</summary>
    public static OAuthPublicKey PublicKeyOf(string privateKeyPem, OAuthSigningAlgorithm algorithm = OAuthSigningAlgorithm.RS256)
    {
        using var rsa = ImportPrivateKey(privateKeyPem);
        return PublicKeyOf(rsa, algorithm);
    }

    /// <summary>The views of a public key PEM (SPKI), e.g. for showing a stored key's JWK with another algorithm.</summary>
    public static OAuthPublicKey PublicKeyOfPublicPem(string publicKeyPem, OAuthSigningAlgorithm algorithm)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return PublicKeyOf(rsa, algorithm);
    }

    /// <summary>The public key of an RSA key as SPKI PEM and as a JWK whose kid is its thumbprint.</summary>
    public static OAuthPublicKey PublicKeyOf(RSA rsa, OAuthSigningAlgorithm algorithm = OAuthSigningAlgorithm.RS256)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)));
        var keyId = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());

        // Written member by member so that the JWK holds only public members, in a stable order.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("kty", jwk.Kty);
            writer.WriteString("use", "sig");
            writer.WriteString("alg", algorithm.JwsAlgorithm());
            writer.WriteString("kid", keyId);
            writer.WriteString("n", jwk.N);
            writer.WriteString("e", jwk.E);
            writer.WriteEndObject();
        }
        return new OAuthPublicKey(rsa.ExportSubjectPublicKeyInfoPem(), Encoding.UTF8.GetString(buffer.ToArray()), keyId);
    }

    /// <summary>The RFC 7638 JWK thumbprint of an RSA public key: SHA-256 over {"e","kty","n"}, base64url.</summary>
    public static string Thumbprint(RSAParameters publicKey) =>
        Base64UrlEncoder.Encode(new RsaSecurityKey(new RSAParameters { Modulus = publicKey.Modulus, Exponent = publicKey.Exponent })
            .ComputeJwkThumbprint());

    /// <summary>
    /// Imports an RSA private key PEM (PKCS#8 <c>PRIVATE KEY</c>, or PKCS#1 <c>RSA PRIVATE KEY</c> pasted from elsewhere).
    /// The caller disposes the key. Throws <see cref="ArgumentException"/> (naming no key material) when it is not one.
    /// </summary>
    public static RSA ImportPrivateKey(string privateKeyPem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(privateKeyPem);
            // A public-only PEM imports too; exporting the private parameters tells them apart.
            _ = rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new ArgumentException("The key is not an RSA private key in PEM form.", nameof(privateKeyPem));
        }
        if (rsa.KeySize is var bits && bits < MinKeySize)
        {
            rsa.Dispose();
            throw new ArgumentException($"The RSA key has {bits} bits; at least {MinKeySize} are required.", nameof(privateKeyPem));
        }
        return rsa;
    }

    /// <summary>Whether <see cref="ImportPrivateKey"/> accepts the PEM.</summary>
    public static bool IsValidPrivateKey(string privateKeyPem)
    {
        try
        {
            using var rsa = ImportPrivateKey(privateKeyPem);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

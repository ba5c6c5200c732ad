using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CredentialPortal.Features.Credentials.OAuth;
using Microsoft.IdentityModel.Tokens;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

public class OAuthKeysTests
{
    // RFC 7638 §3.1: the example RSA key and its published SHA-256 thumbprint.
    private const string Rfc7638Modulus =
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMst"
        + "n64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n"
        + "91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    private const string Rfc7638Exponent = "AQAB";
    private const string Rfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

    [Fact]
    public void Thumbprint_matches_the_RFC_7638_example()
    {
        var parameters = new RSAParameters
        {
            Modulus = Base64UrlEncoder.DecodeBytes(Rfc7638Modulus),
            Exponent = Base64UrlEncoder.DecodeBytes(Rfc7638Exponent),
        };

        Assert.Equal(Rfc7638Thumbprint, OAuthKeys.Thumbprint(parameters));
    }

    [Fact]
    public void The_JWK_of_the_RFC_7638_key_carries_its_thumbprint_as_kid()
    {
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64UrlEncoder.DecodeBytes(Rfc7638Modulus),
            Exponent = Base64UrlEncoder.DecodeBytes(Rfc7638Exponent),
        });

        var publicKey = OAuthKeys.PublicKeyOf(rsa, OAuthSigningAlgorithm.RS384);

        using var jwk = JsonDocument.Parse(publicKey.Jwk);
        Assert.Equal(Rfc7638Thumbprint, publicKey.KeyId);
        Assert.Equal(Rfc7638Thumbprint, jwk.RootElement.GetProperty("kid").GetString());
        Assert.Equal(Rfc7638Modulus, jwk.RootElement.GetProperty("n").GetString());
        Assert.Equal("AQAB", jwk.RootElement.GetProperty("e").GetString());
        Assert.Equal("RS384", jwk.RootElement.GetProperty("alg").GetString());
    }

    [Fact]
    public void Generate_makes_an_RSA_2048_pair_whose_PEM_and_JWK_round_trip_to_the_private_key()
    {
        var pair = OAuthKeys.Generate();

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pair.PrivateKeyPem); // PKCS#8
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pair.PublicKey.Pem); // SPKI
        Assert.DoesNotContain("PRIVATE", pair.PublicKey.Pem);

        using var privateKey = RSA.Create();
        privateKey.ImportFromPem(pair.PrivateKeyPem);
        Assert.Equal(2048, privateKey.KeySize);
        var expected = privateKey.ExportParameters(false);

        using var fromPem = RSA.Create();
        fromPem.ImportFromPem(pair.PublicKey.Pem);
        Assert.Equal(expected.Modulus, fromPem.ExportParameters(false).Modulus);
        Assert.Equal(expected.Exponent, fromPem.ExportParameters(false).Exponent);

        using var jwk = JsonDocument.Parse(pair.PublicKey.Jwk);
        var root = jwk.RootElement;
        Assert.Equal(["kty", "use", "alg", "kid", "n", "e"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("RSA", root.GetProperty("kty").GetString());
        Assert.Equal("sig", root.GetProperty("use").GetString());
        Assert.Equal("RS256", root.GetProperty("alg").GetString());
        Assert.Equal(expected.Modulus, Base64UrlEncoder.DecodeBytes(root.GetProperty("n").GetString()));
        Assert.Equal(expected.Exponent, Base64UrlEncoder.DecodeBytes(root.GetProperty("e").GetString()));

        // The kid, recomputed here by RFC 7638 §3 itself: SHA-256 over {"e":…,"kty":"RSA","n":…} with no whitespace.
        var canonical = $"{{\"e\":\"{root.GetProperty("e").GetString()}\",\"kty\":\"RSA\",\"n\":\"{root.GetProperty("n").GetString()}\"}}";
        var thumbprint = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        Assert.Equal(thumbprint, root.GetProperty("kid").GetString());
        Assert.Equal(thumbprint, pair.PublicKey.KeyId);

        // Microsoft.IdentityModel reads the JWK back as the same key.
        var parsed = new JsonWebKey(pair.PublicKey.Jwk);
        Assert.Equal(thumbprint, parsed.Kid);
        Assert.Equal(thumbprint, Base64UrlEncoder.Encode(parsed.ComputeJwkThumbprint()));
        Assert.False(parsed.HasPrivateKey);
    }

    [Fact]
    public void The_public_key_of_a_stored_private_key_is_the_one_shown_at_generation()
    {
        var pair = OAuthKeys.Generate(OAuthSigningAlgorithm.RS512);

        var again = OAuthKeys.PublicKeyOf(pair.PrivateKeyPem, OAuthSigningAlgorithm.RS512);

        Assert.Equal(pair.PublicKey, again);
    }

    [Fact]
    public void Every_generated_pair_is_new()
    {
        var first = OAuthKeys.Generate();
        var second = OAuthKeys.Generate();

        Assert.NotEqual(first.PrivateKeyPem, second.PrivateKeyPem);
        Assert.NotEqual(first.PublicKey.KeyId, second.PublicKey.KeyId);
    }

    [Fact]
    public void ImportPrivateKey_accepts_PKCS1_and_refuses_public_small_or_garbage_keys_without_echoing_them()
    {
        using var rsa = RSA.Create(2048);
        using (var imported = OAuthKeys.ImportPrivateKey(rsa.ExportRSAPrivateKeyPem()))
        {
            Assert.Equal(rsa.ExportParameters(false).Modulus, imported.ExportParameters(false).Modulus);
        }

        using var small = RSA.Create(1024);
        var smallPem = small.ExportPkcs8PrivateKeyPem();
        foreach (var pem in new[] { rsa.ExportSubjectPublicKeyInfoPem(), smallPem, "not a key", "" })
        {
            var error = Assert.Throws<ArgumentException>(() => OAuthKeys.ImportPrivateKey(pem));
            Assert.DoesNotContain("MII", error.Message);
            Assert.False(OAuthKeys.IsValidPrivateKey(pem));
        }
    }

    [Fact]
    public void The_key_pair_text_form_hides_the_private_key()
    {
        var pair = OAuthKeys.Generate();

        Assert.DoesNotContain("PRIVATE", pair.ToString());
        Assert.Contains(pair.PublicKey.KeyId, pair.ToString());
    }
}

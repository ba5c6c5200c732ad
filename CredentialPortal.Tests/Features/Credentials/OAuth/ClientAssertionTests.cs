using CredentialPortal.Features.Credentials.OAuth;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

public class ClientAssertionTests
{
    private const string ClientId = "portal-client";
    private const string TokenUrl = "https://auth.example.com/oauth/token";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static readonly OAuthKeyPair Keys = OAuthKeys.Generate();

    private static TokenValidationParameters Parameters(OAuthKeyPair keys, TimeProvider clock, string algorithm) => new()
    {
        IssuerSigningKey = new JsonWebKey(keys.PublicKey.Jwk),
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = [algorithm],
        ValidIssuer = ClientId,
        ValidAudience = TokenUrl,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        // The library's own lifetime check reads the system clock; this one reads the test's.
        LifetimeValidator = (_, expires, _, _) => expires is { } exp && clock.GetUtcNow().UtcDateTime < exp,
    };

    [Theory]
    [InlineData(OAuthSigningAlgorithm.RS256, "RS256")]
    [InlineData(OAuthSigningAlgorithm.RS384, "RS384")]
    [InlineData(OAuthSigningAlgorithm.RS512, "RS512")]
    public async Task The_assertion_validates_against_the_public_key_with_the_specified_header_and_claims(OAuthSigningAlgorithm algorithm, string alg)
    {
        var clock = new FakeTimeProvider(Now);

        var assertion = ClientAssertion.Create(ClientId, TokenUrl, Keys.PrivateKeyPem, algorithm, clock);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, Parameters(Keys, clock, alg));
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal(alg, token.Alg);
        Assert.Equal(Keys.PublicKey.KeyId, token.Kid);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal(ClientId, token.Issuer);
        Assert.Equal(ClientId, token.Subject);
        Assert.Equal([TokenUrl], token.Audiences);
        Assert.Equal(Now.ToUnixTimeSeconds(), token.GetPayloadValue<long>("iat"));
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeSeconds(), token.GetPayloadValue<long>("exp"));
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.False(token.TryGetPayloadValue<long>("nbf", out _)); // only the claims the product names
    }

    [Fact]
    public async Task The_assertion_expires_five_minutes_after_it_was_issued()
    {
        var clock = new FakeTimeProvider(Now);
        var assertion = ClientAssertion.Create(ClientId, TokenUrl, Keys.PrivateKeyPem, OAuthSigningAlgorithm.RS256, clock);
        var handler = new JsonWebTokenHandler();

        clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.True((await handler.ValidateTokenAsync(assertion, Parameters(Keys, clock, "RS256"))).IsValid);

        clock.Advance(TimeSpan.FromSeconds(2));
        var expired = await handler.ValidateTokenAsync(assertion, Parameters(Keys, clock, "RS256"));
        Assert.False(expired.IsValid);
        Assert.IsType<SecurityTokenInvalidLifetimeException>(expired.Exception);
    }

    [Fact]
    public async Task Another_key_or_audience_does_not_validate()
    {
        var clock = new FakeTimeProvider(Now);
        var assertion = ClientAssertion.Create(ClientId, TokenUrl, Keys.PrivateKeyPem, OAuthSigningAlgorithm.RS256, clock);
        var handler = new JsonWebTokenHandler();

        var otherKey = await handler.ValidateTokenAsync(assertion, Parameters(OAuthKeys.Generate(), clock, "RS256"));
        Assert.False(otherKey.IsValid);

        var otherAudience = Parameters(Keys, clock, "RS256");
        otherAudience.ValidAudience = "https://auth.example.com/other";
        Assert.IsType<SecurityTokenInvalidAudienceException>((await handler.ValidateTokenAsync(assertion, otherAudience)).Exception);

        var otherAlgorithm = await handler.ValidateTokenAsync(assertion, Parameters(Keys, clock, "RS512"));
        Assert.False(otherAlgorithm.IsValid);
    }

    [Fact]
    public void Every_assertion_has_a_fresh_jti()
    {
        var clock = new FakeTimeProvider(Now);
        var handler = new JsonWebTokenHandler();

        var ids = Enumerable.Range(0, 20)
            .Select(_ => handler.ReadJsonWebToken(ClientAssertion.Create(ClientId, TokenUrl, Keys.PrivateKeyPem, OAuthSigningAlgorithm.RS256, clock)).Id)
            .ToHashSet();

        Assert.Equal(20, ids.Count);
    }
}

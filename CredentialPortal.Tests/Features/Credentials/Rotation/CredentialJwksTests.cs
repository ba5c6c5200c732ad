using System.Text.Json.Nodes;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Features.Credentials.Api;

namespace CredentialPortal.Tests.Features.Credentials.Rotation;

/// <summary>The anonymous JWKS URL of a JWT credential: its public key, both keys during a rotation's window, one after.</summary>
public sealed class CredentialJwksTests(RotationApiFixture api) : IClassFixture<RotationApiFixture>
{
    private async Task<(int Status, string? MediaType, JsonNode? Body)> JwksAsync(string credentialId)
    {
        using var response = await api.Anonymous.GetAsync("/" + CredentialJwksEndpoint.PathOf(Guid.Parse(credentialId)));
        var raw = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, raw.Length == 0 ? null : JsonNode.Parse(raw));
    }

    private static List<string> KeyIds(JsonNode set) => [.. set["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>())];

    [Fact]
    public async Task Lists_the_public_key_then_both_keys_during_the_window_and_the_new_one_after()
    {
        var created = await api.CreateAsync(new
        {
            name = "JWT client", type = "oauth2", grant_type = "client_credentials_with_jwt", token_url = "http://127.0.0.1:9/token", client_id = "app",
        });
        created.AssertHolds(201);
        var oldKid = created.Json["public_key"]!["key_id"]!.GetValue<string>();

        var before = await JwksAsync(created.CredentialId);

        Assert.Equal((200, "application/jwk-set+json"), (before.Status, before.MediaType));
        Assert.Equal([oldKid], KeyIds(before.Body!));
        var key = before.Body!["keys"]![0]!.AsObject();
        Assert.Equal(["kty", "use", "alg", "kid", "n", "e"], key.Select(p => p.Key));
        Assert.Equal(("RSA", "sig", "RS256"), (key["kty"]!.GetValue<string>(), key["use"]!.GetValue<string>(), key["alg"]!.GetValue<string>()));

        var rotated = await api.RotateAsync(created.CredentialId, new { grace_period_seconds = 600 });
        rotated.AssertHolds(200, "PRIVATE KEY");
        Assert.Null(rotated["generated_secret"]);
        var newKid = rotated.Json["public_key"]!["key_id"]!.GetValue<string>();
        Assert.NotEqual(oldKid, newKid);

        Assert.Equal([newKid, oldKid], KeyIds((await JwksAsync(created.CredentialId)).Body!));
        api.Clock.Advance(TimeSpan.FromSeconds(600));
        Assert.Equal([newKid], KeyIds((await JwksAsync(created.CredentialId)).Body!));
    }

    [Fact]
    public async Task Answers_404_for_a_credential_that_signs_no_jwt_and_for_an_unknown_one()
    {
        var created = await api.CreateAsync(new { name = "Signed", type = "hmac_signature", format = "standard_webhooks", secret = CredentialRules.NewStandardWebhooksSecret() });
        created.AssertHolds(201);

        Assert.Equal(404, (await JwksAsync(created.CredentialId)).Status);
        Assert.Equal(404, (await JwksAsync(Guid.NewGuid().ToString())).Status);
    }
}

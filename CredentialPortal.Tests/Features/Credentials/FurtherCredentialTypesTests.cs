using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>Bearer Token, Basic Auth and HMAC Signature on the wire (the product's wire formats and Standard Webhooks).</summary>
public class FurtherCredentialTypesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1734789600);
    private static readonly byte[] Body = """{"is_test":true,"alert_id":7,"alert_name":"CPU high"}"""u8.ToArray();

    private static HttpRequestMessage Send(ResolvedCredential credential, string? messageId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://hooks.example.com/alert");
        CredentialWireFormat.Apply(request, credential, Body, Now, messageId);
        return request;
    }

    private static string Header(HttpRequestMessage request, string name) => Assert.Single(request.Headers.GetValues(name));

    [Fact]
    public void Bearer_token_in_authorization_carries_the_scheme()
    {
        var request = Send(new ResolvedCredential(CredentialType.BearerToken, "Authorization", CredentialLocation.Header, "", "api_key_12345"));
        Assert.Equal("Bearer api_key_12345", Header(request, "Authorization"));
    }

    [Fact]
    public void Bearer_token_in_another_header_is_bare_as_in_seed_003()
    {
        var request = Send(new ResolvedCredential(CredentialType.BearerToken, "X-API-Key", CredentialLocation.Header, "", "api_key_12345"));
        Assert.Equal("api_key_12345", Header(request, "X-API-Key"));
        Assert.False(request.Headers.Contains("Authorization"));
    }

    [Fact]
    public void Basic_auth_is_base64_of_username_colon_password_as_in_seed_003()
    {
        var request = Send(new ResolvedCredential(CredentialType.BasicAuth, "Authorization", CredentialLocation.Header, "webhook_user", "secure_password_123"));
        Assert.Equal("Basic d2ViaG9va191c2VyOnNlY3VyZV9wYXNzd29yZF8xMjM=", Header(request, "Authorization"));
    }

    [Fact]
    public void Hmac_signature_t_v1_key_verifies_with_an_independent_verifier()
    {
        var request = Send(new ResolvedCredential(CredentialType.HmacSignature, "X-Signature", CredentialLocation.Header, "key_2024", "hmac-secret"));

        var header = Header(request, "X-Signature");
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["t", "v1", "key"], parts.Keys);
        Assert.Equal("1734789600", parts["t"]);
        Assert.Equal("key_2024", parts["key"]);
        Assert.Matches("^[0-9a-f]{64}$", parts["v1"]);

        // The receiver's side: HMAC-SHA256 keyed with the secret over "t.body", compared in constant time.
        var signed = Encoding.UTF8.GetBytes(parts["t"] + ".").Concat(Body).ToArray();
        var expected = new HMACSHA256(Encoding.UTF8.GetBytes("hmac-secret")).ComputeHash(signed);
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"])));

        var tampered = new HMACSHA256(Encoding.UTF8.GetBytes("hmac-secret")).ComputeHash(signed.Append((byte)' ').ToArray());
        Assert.False(CryptographicOperations.FixedTimeEquals(tampered, Convert.FromHexString(parts["v1"])));
    }

    [Fact]
    public void Hmac_signature_uses_the_configured_header_name()
    {
        var request = Send(new ResolvedCredential(CredentialType.HmacSignature, "X-Hub-Signature", CredentialLocation.Header, "k", "s"));
        Assert.StartsWith("t=1734789600,v1=", Header(request, "X-Hub-Signature"));
        Assert.False(request.Headers.Contains("X-Signature"));
    }

    [Fact]
    public void Standard_webhooks_headers_verify_with_an_independent_verifier()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var secret = "whsec_" + Convert.ToBase64String(key);

        var request = Send(new ResolvedCredential(CredentialType.HmacSignature, "X-Signature", CredentialLocation.Header, "key_2024", secret,
            HmacFormat.StandardWebhooks), messageId: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");

        Assert.Equal("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", Header(request, "webhook-id"));
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Header(request, "webhook-timestamp"));
        var signature = Header(request, "webhook-signature");
        Assert.StartsWith("v1,", signature);
        Assert.False(request.Headers.Contains("X-Signature"));

        var signed = Encoding.UTF8.GetBytes($"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.{Now.ToUnixTimeSeconds()}.").Concat(Body).ToArray();
        var expected = new HMACSHA256(key).ComputeHash(signed);
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(signature["v1,".Length..])));
    }

    [Fact]
    public void Standard_webhooks_gives_each_message_its_own_id()
    {
        var credential = new ResolvedCredential(CredentialType.HmacSignature, "", CredentialLocation.Header, "",
            CredentialRules.NewStandardWebhooksSecret(), HmacFormat.StandardWebhooks);
        Assert.NotEqual(Header(Send(credential), "webhook-id"), Header(Send(credential), "webhook-id"));
    }

    [Fact]
    public void The_log_masks_signatures_too()
    {
        var url = new Uri("https://hooks.example.com/");
        Assert.Equal("X-Signature: ****", CredentialWireFormat.Masked(url,
            new ResolvedCredential(CredentialType.HmacSignature, "X-Signature", CredentialLocation.Header, "k", "s")).Header);
        Assert.Equal("webhook-signature: ****", CredentialWireFormat.Masked(url,
            new ResolvedCredential(CredentialType.HmacSignature, "", CredentialLocation.Header, "k", "s", HmacFormat.StandardWebhooks)).Header);
        Assert.Equal("Authorization: ****", CredentialWireFormat.Masked(url,
            new ResolvedCredential(CredentialType.BasicAuth, "Authorization", CredentialLocation.Header, "u", "p")).Header);
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("whsec_not base64!", false)]
    [InlineData("whsec_c2hvcnQ=", false)]
    public void Recognises_standard_webhooks_secrets(string secret, bool valid) =>
        Assert.Equal(valid, CredentialRules.StandardWebhooksKey(secret) is not null);

    [Fact]
    public void Rules_per_type()
    {
        var bearer = new CredentialInput { Name = "b", Type = CredentialType.BearerToken, FieldName = "Authorization" };
        Assert.Equal(["Token is required."], CredentialRules.Validate(bearer, isCreate: true)["Secret"]);
        bearer.FieldName = "bad name";
        Assert.Contains("Header Name is not a valid header name (token)", CredentialRules.Validate(bearer, true)["FieldName"][0]);

        var basic = new CredentialInput { Name = "b", Type = CredentialType.BasicAuth, ClientId = "user:name", Secret = "p" };
        Assert.Equal(["Username must not contain a colon (RFC 7617)."], CredentialRules.Validate(basic, true)["ClientId"]);
        Assert.False(CredentialRules.Validate(basic, true).ContainsKey("FieldName"));

        var hmac = new CredentialInput
        {
            Name = "h", Type = CredentialType.HmacSignature, FieldName = "X-Signature", ClientId = "k", Secret = "plain",
            Format = HmacFormat.StandardWebhooks,
        };
        Assert.Contains("whsec_", CredentialRules.Validate(hmac, true)["Secret"][0]);
        hmac.Format = HmacFormat.TimestampSignatureKey;
        Assert.Empty(CredentialRules.Validate(hmac, true));
    }
}

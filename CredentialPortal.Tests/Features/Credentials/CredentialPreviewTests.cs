using System.Text;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Tests.Features.Credentials;

/// <summary>The form's preview of the request: the wire format's own values, **** for values not typed.</summary>
public sealed class CredentialPreviewTests
{
    private static string[] Preview(CredentialInput input) => input.Preview(showClientId: true, showSecret: true).Select(l => l.Text).ToArray();

    [Fact]
    public void Hidden_secrets_read_masked_even_when_typed()
    {
        var typed = CredentialInputs.ClientIdAndSecret();
        Assert.Equal(["clientid: ****"], typed.Preview().Select(l => l.Text));
        Assert.Equal(["clientid: ****"], typed.Preview(showClientId: true).Select(l => l.Text));
        Assert.Equal(["clientid: bGlua2Vwb25h"], typed.Preview(showClientId: true, showSecret: true).Select(l => l.Text));
    }

    [Fact]
    public void The_spec_examples_read_as_the_spec_writes_them()
    {
        Assert.Equal(["clientid: link"], Preview(CredentialInputs.ClientId()));
        Assert.Equal(["?clientid=link"], Preview(CredentialInputs.ClientId(location: CredentialLocation.QueryParam)));
        Assert.Equal(["clientid: bGlua2Vwb25h"], Preview(CredentialInputs.ClientIdAndSecret()));
        Assert.Equal(["?clientid=bGlua2Vwb25h"], Preview(CredentialInputs.ClientIdAndSecret(location: CredentialLocation.QueryParam)));
    }

    [Fact]
    public void A_value_not_typed_reads_masked()
    {
        var stored = CredentialInputs.ClientIdAndSecret();
        stored.Secret = null; // kept on edit: the form never has it
        Assert.Equal(["clientid: ****"], Preview(stored));
        stored.Location = CredentialLocation.QueryParam;
        Assert.Equal(["?clientid=****"], Preview(stored));

        Assert.Equal(["Authorization: Bearer ****"], Preview(new CredentialInput { Type = CredentialType.BearerToken, FieldName = "Authorization" }));
        Assert.Equal(["X-Api-Token: ****"], Preview(new CredentialInput { Type = CredentialType.BearerToken, FieldName = "X-Api-Token" }));
        Assert.Equal(["Authorization: Basic ****"], Preview(new CredentialInput { Type = CredentialType.BasicAuth, ClientId = "webhook_user" }));
    }

    [Fact]
    public void Each_further_type_shows_its_header_shape()
    {
        Assert.Equal(["Authorization: Bearer tok_1"], Preview(new CredentialInput { Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "tok_1" }));
        Assert.Equal(["Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p"))],
            Preview(new CredentialInput { Type = CredentialType.BasicAuth, ClientId = "u", Secret = "p" }));
        Assert.Equal(["X-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of t.body>,key=key_2024"],
            Preview(new CredentialInput { Type = CredentialType.HmacSignature, FieldName = "X-Signature", ClientId = "key_2024", Secret = "s" }));
        Assert.Equal(["webhook-id: msg_<delivery id>", "webhook-timestamp: <unix time>", "webhook-signature: v1,<Base64 HMAC-SHA256 of id.timestamp.body>"],
            Preview(new CredentialInput { Type = CredentialType.HmacSignature, Format = HmacFormat.StandardWebhooks }));
        Assert.Equal(["Authorization: Bearer <token from https://auth.example.com/token>"],
            Preview(new CredentialInput { Type = CredentialType.OAuth2, TokenUrl = "https://auth.example.com/token", ClientId = "c", Secret = "s" }));
    }

    [Theory]
    [InlineData(CredentialType.ClientId, CredentialLocation.Header)]
    [InlineData(CredentialType.ClientIdAndSecret, CredentialLocation.Header)]
    [InlineData(CredentialType.ClientIdAndSecret, CredentialLocation.QueryParam)]
    [InlineData(CredentialType.BearerToken, CredentialLocation.Header)]
    [InlineData(CredentialType.BasicAuth, CredentialLocation.Header)]
    public void The_preview_is_what_the_wire_format_sends(CredentialType type, CredentialLocation location)
    {
        // Non-ASCII only where it is encoded (query, Base64): a header carries a Client ID value as it is, ASCII only.
        var clientId = type == CredentialType.ClientId && location == CredentialLocation.Header ? "id +&" : "id ü+&";
        var input = new CredentialInput { Type = type, FieldName = "x-auth id", Location = location, ClientId = clientId, Secret = "sec=ret/" };
        if (type != CredentialType.ClientIdAndSecret && type != CredentialType.ClientId)
        {
            input.FieldName = "Authorization";
        }
        var kind = CredentialTypeDescription.Of(type);
        var sent = new ResolvedCredential(type, kind.StoredFieldName(input.Format, input.FieldName), location, input.ClientId!, input.Secret);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://receiver.example/hook");
        if (location == CredentialLocation.QueryParam)
        {
            CredentialWireFormat.Apply(request, sent);
            Assert.Equal([request.RequestUri!.Query], Preview(input));
        }
        else
        {
            input.FieldName = kind.HasLocation ? "x-auth" : input.FieldName;
            sent = sent with { FieldName = kind.StoredFieldName(input.Format, input.FieldName) };
            CredentialWireFormat.Apply(request, sent);
            var header = request.Headers.Single();
            Assert.Equal([$"{header.Key}: {header.Value.Single()}"], Preview(input));
        }
    }
}

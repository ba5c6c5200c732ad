using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Tests.Features.Credentials;

public class CredentialWireFormatTests
{
    private static HttpRequestMessage Send(string url, ResolvedCredential? credential)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        CredentialWireFormat.Apply(request, credential);
        return request;
    }

    [Fact]
    public void A_client_id_goes_unencoded_in_the_header()
    {
        var request = Send("https://hooks.example.com/alert", new ResolvedCredential(CredentialType.ClientId, "clientid", CredentialLocation.Header, "link", null));

        Assert.Equal(["link"], request.Headers.GetValues("clientid"));
        Assert.Equal("https://hooks.example.com/alert", request.RequestUri!.ToString());
    }

    [Fact]
    public void Client_id_and_secret_go_as_base64_of_both_without_separator_the_specs_example()
    {
        var credential = new ResolvedCredential(CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.Header, "link", "epona");

        Assert.Equal("bGlua2Vwb25h", credential.WireValue);
        Assert.Equal(["bGlua2Vwb25h"], Send("https://hooks.example.com/", credential).Headers.GetValues("clientid"));
    }

    [Fact]
    public void Base64_is_of_the_utf8_bytes()
    {
        var credential = new ResolvedCredential(CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.Header, "zoë", "ß");
        Assert.Equal(Convert.ToBase64String("zoëß"u8.ToArray()), credential.WireValue);
    }

    [Fact]
    public void A_query_param_is_appended_after_the_existing_query_and_url_encoded()
    {
        var plain = Send("https://hooks.example.com/", new ResolvedCredential(CredentialType.ClientId, "clientid", CredentialLocation.QueryParam, "link", null));
        Assert.Equal("https://hooks.example.com/?clientid=link", plain.RequestUri!.AbsoluteUri);

        var withQuery = Send("https://hooks.example.com/hook?team=ops&x=1",
            new ResolvedCredential(CredentialType.ClientIdAndSecret, "client id", CredentialLocation.QueryParam, "a b&c", "=+/"));
        var expected = Uri.EscapeDataString(Convert.ToBase64String("a b&c=+/"u8.ToArray()));
        Assert.Equal($"https://hooks.example.com/hook?team=ops&x=1&client%20id={expected}", withQuery.RequestUri!.AbsoluteUri);
        Assert.Empty(withQuery.Headers);
    }

    [Theory]
    [InlineData("https://hooks.example.com/hook?clientid=attacker&team=ops#top", "https://hooks.example.com/hook?clientid=link&team=ops#top")]
    [InlineData("https://hooks.example.com/hook?team=ops&clientid=attacker", "https://hooks.example.com/hook?team=ops&clientid=link")]
    [InlineData("https://hooks.example.com/hook?clientid=a&x=%2F&clientid=b&clientid#f", "https://hooks.example.com/hook?clientid=link&x=%2F#f")]
    [InlineData("https://hooks.example.com/hook?clientid", "https://hooks.example.com/hook?clientid=link")]
    [InlineData("https://hooks.example.com/hook?clientidx=1&xclientid=2#f", "https://hooks.example.com/hook?clientidx=1&xclientid=2&clientid=link#f")]
    public void A_query_param_replaces_one_of_the_same_name_and_keeps_every_other_param_and_the_fragment(string url, string expected)
    {
        var credential = new ResolvedCredential(CredentialType.ClientId, "clientid", CredentialLocation.QueryParam, "link", null);

        Assert.Equal(expected, Send(url, credential).RequestUri!.AbsoluteUri);
        Assert.Equal(expected.Replace("clientid=link", "clientid=****"), CredentialWireFormat.Masked(new Uri(url), credential).Url);
    }

    [Fact]
    public void A_query_param_name_matches_in_any_encoding_and_the_value_is_url_encoded()
    {
        var credential = new ResolvedCredential(CredentialType.ClientId, "client id", CredentialLocation.QueryParam, "a&b=c d", null);

        var request = Send("https://hooks.example.com/?client+id=1&client%20id=2&keep=a+b", credential);

        Assert.Equal("https://hooks.example.com/?client%20id=a%26b%3Dc%20d&keep=a+b", request.RequestUri!.AbsoluteUri);
        Assert.Equal("https://hooks.example.com/?client%20id=****&keep=a+b",
            CredentialWireFormat.Masked(new Uri("https://hooks.example.com/?client+id=1&client%20id=2&keep=a+b"), credential).Url);
    }

    [Fact]
    public void The_specs_query_example()
    {
        var request = Send("http://receiver.local/",
            new ResolvedCredential(CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.QueryParam, "link", "epona"));
        Assert.Equal("/?clientid=bGlua2Vwb25h", request.RequestUri!.PathAndQuery);
    }

    [Fact]
    public void No_auth_adds_nothing()
    {
        var request = Send("https://hooks.example.com/a?b=c", null);
        Assert.Empty(request.Headers);
        Assert.Equal("https://hooks.example.com/a?b=c", request.RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData("clientid", "li\r\nnk")]
    [InlineData("client\nid", "link")]
    [InlineData("client id", "link")]
    [InlineData("Host", "evil.example")] // a row saved before the rule, or edited outside the portal
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Proxy-Authorization", "Basic eA==")]
    [InlineData("webhook-id", "msg_replaced")] // would replace the id receivers drop duplicates by
    [InlineData("X-Api-Key", "tökén-abc123")] // .NET refuses it on send: not a network error to attempt again
    public void A_credential_that_would_break_the_request_is_not_sent(string fieldName, string value)
    {
        var credential = new ResolvedCredential(CredentialType.ClientId, fieldName, CredentialLocation.Header, value, null);
        Assert.Throws<InvalidOperationException>(() => Send("https://hooks.example.com/", credential));
    }

    [Fact]
    public void Its_text_form_never_shows_the_values()
    {
        var credential = new ResolvedCredential(CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.Header, "link", "epona");
        Assert.DoesNotContain("epona", credential.ToString());
        Assert.DoesNotContain("link", credential.ToString());
    }
}

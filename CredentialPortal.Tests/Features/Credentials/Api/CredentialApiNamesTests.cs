using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Api;
using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Tests.Features.Credentials.Api;

public sealed class CredentialApiNamesTests
{
    [Fact]
    public void Every_type_has_a_stable_snake_case_name()
    {
        Assert.Equal(["client_id", "client_id_and_secret", "bearer_token", "basic_auth", "hmac_signature", "oauth2"], CredentialApiNames.Types);
        foreach (var type in Enum.GetValues<CredentialType>())
        {
            Assert.True(CredentialApiNames.TryParse<CredentialType>(CredentialApiNames.Of(type), out var parsed));
            Assert.Equal(type, parsed);
        }
    }

    [Fact]
    public void Choices_read_as_snake_case_of_their_members()
    {
        Assert.Equal(["header", "query_param"], CredentialApiNames.All<CredentialLocation>());
        Assert.Equal(["timestamp_signature_key", "standard_webhooks"], CredentialApiNames.All<HmacFormat>());
        Assert.Equal(["client_credentials", "password_credentials", "client_credentials_with_jwt"], CredentialApiNames.All<OAuthGrantType>());
        Assert.Equal(["basic_auth_header", "credentials_in_body"], CredentialApiNames.All<OAuthClientAuthentication>());
        Assert.Equal(["rs256", "rs384", "rs512"], CredentialApiNames.All<OAuthSigningAlgorithm>());
        Assert.True(CredentialApiNames.TryParse<CredentialType>("Bearer_Token", out var any));
        Assert.Equal(CredentialType.BearerToken, any);
        Assert.False(CredentialApiNames.TryParse<CredentialType>("bearer", out _));
        Assert.False(CredentialApiNames.TryParse<CredentialType>("3", out _));
    }

    [Fact]
    public void A_rule_message_is_keyed_by_the_api_field_it_is_about()
    {
        // The domain's own rules, run on the form's input: their keys become the request's field names.
        var errors = CredentialRules.Validate(new CredentialInput { Name = "", Type = CredentialType.ClientIdAndSecret, FieldName = "bad name" }, isCreate: true);

        var fields = CredentialApiNames.Fields(errors);

        Assert.Equal(["client_id", "field_name", "name", "secret"], fields.Keys.Order());
        Assert.Equal("private_key_pem", CredentialApiNames.Field(nameof(CredentialInput.PrivateKeyPem)));
        Assert.Equal("token_url", CredentialApiNames.Field(nameof(OAuthSettings.TokenUrl)));
    }
}

using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Api;
using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Tests.Features.Credentials.Api;

public sealed class CredentialRequestTests
{
    [Fact]
    public void A_request_maps_onto_the_forms_input_field_by_field()
    {
        var (input, errors) = new CredentialRequest
        {
            Name = "Orders", Type = "client_id_and_secret", FieldName = "clientid", Location = "query_param",
            ClientId = "link", Secret = "epona",
        }.ToInput();

        Assert.Empty(errors);
        Assert.NotNull(input);
        Assert.Equal(("Orders", CredentialType.ClientIdAndSecret, "clientid", CredentialLocation.QueryParam, "link", "epona"),
            (input.Name, input.Type, input.FieldName, input.Location, input.ClientId, input.Secret));
    }

    [Fact]
    public void OAuth_fields_map_too_and_left_out_choices_keep_the_forms_defaults()
    {
        var (input, _) = new CredentialRequest
        {
            Name = "Token", Type = "oauth2", GrantType = "password_credentials", TokenUrl = "https://auth.example/token",
            Scopes = "read write", ClientAuthentication = "credentials_in_body", Username = "ops", Password = "pw",
            RefreshTokenUrl = "https://auth.example/refresh", ClientId = "app",
        }.ToInput();

        Assert.NotNull(input);
        Assert.Equal(OAuthGrantType.PasswordCredentials, input.GrantType);
        Assert.Equal(OAuthClientAuthentication.CredentialsInBody, input.ClientAuthentication);
        Assert.Equal(("https://auth.example/token", "read write", "ops", "pw", "https://auth.example/refresh"),
            (input.TokenUrl, input.Scopes, input.Username, input.Password, input.RefreshTokenUrl));
        Assert.Equal(OAuthSigningAlgorithm.RS256, input.SigningAlgorithm);
        Assert.Equal(CredentialLocation.Header, new CredentialRequest { Type = "client_id" }.ToInput().Input!.Location);
        Assert.Equal(HmacFormat.TimestampSignatureKey, new CredentialRequest { Type = "hmac_signature" }.ToInput().Input!.Format);
    }

    [Fact]
    public void An_unknown_choice_is_named_by_its_field_without_echoing_what_was_sent()
    {
        var (input, errors) = new CredentialRequest { Name = "x", Type = "sk_live_pasted_by_mistake", Location = "body", Format = "md5" }.ToInput();

        Assert.Null(input);
        Assert.Equal(["format", "location", "type"], errors.Keys.Order());
        Assert.Contains("bearer_token", errors["type"][0]);
        Assert.DoesNotContain("sk_live_pasted_by_mistake", string.Join(" ", errors.Values.SelectMany(m => m)));
    }

    [Fact]
    public void A_missing_type_is_left_to_the_rules()
    {
        var (input, errors) = new CredentialRequest { Name = "x" }.ToInput();

        Assert.Empty(errors);
        Assert.Null(input!.Type);
        Assert.Contains("type", CredentialApiNames.Fields(CredentialRules.Validate(input, isCreate: true)).Keys);
    }
}

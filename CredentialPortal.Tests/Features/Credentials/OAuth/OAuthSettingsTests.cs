using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

public class OAuthSettingsTests
{
    private static readonly string PrivateKey = OAuthKeys.Generate().PrivateKeyPem;

    private static OAuthSettings Valid(OAuthGrantType grant) => new()
    {
        GrantType = grant,
        TokenUrl = "https://auth.example.com/oauth/token",
        ClientId = "portal",
        Secret = grant == OAuthGrantType.ClientCredentialsWithJwt ? null : "secret-value",
        Username = grant == OAuthGrantType.PasswordCredentials ? "alice" : null,
        Password = grant == OAuthGrantType.PasswordCredentials ? "password-value" : null,
        PrivateKeyPem = grant == OAuthGrantType.ClientCredentialsWithJwt ? PrivateKey : null,
    };

    [Theory]
    [InlineData(OAuthGrantType.ClientCredentials)]
    [InlineData(OAuthGrantType.PasswordCredentials)]
    [InlineData(OAuthGrantType.ClientCredentialsWithJwt)]
    public void Complete_settings_of_each_grant_are_valid(OAuthGrantType grant) => Assert.Empty(Valid(grant).Validate());

    [Fact]
    public void Each_grant_requires_its_own_fields_with_the_forms_labels()
    {
        var empty = new OAuthSettings { GrantType = OAuthGrantType.PasswordCredentials, TokenUrl = "", ClientId = "" };
        var errors = empty.Validate();
        Assert.Equal("Access Token URL is required.", errors[nameof(OAuthSettings.TokenUrl)].Single());
        Assert.Equal("Client ID is required.", errors[nameof(OAuthSettings.ClientId)].Single());
        Assert.Equal("Username is required.", errors[nameof(OAuthSettings.Username)].Single());
        Assert.Equal("Password is required.", errors[nameof(OAuthSettings.Password)].Single());
        Assert.False(errors.ContainsKey(nameof(OAuthSettings.Secret))); // a public client may have none

        Assert.Equal("Secret is required.", (Valid(OAuthGrantType.ClientCredentials) with { Secret = "" }).Validate()[nameof(OAuthSettings.Secret)].Single());
        Assert.Equal("Generate a key pair first.",
            (Valid(OAuthGrantType.ClientCredentialsWithJwt) with { PrivateKeyPem = null }).Validate()[nameof(OAuthSettings.PrivateKeyPem)].Single());

        // On edit an empty secret keeps the stored one.
        Assert.Empty((Valid(OAuthGrantType.ClientCredentials) with { Secret = null }).Validate(requireSecrets: false));
    }

    [Theory]
    [InlineData("ftp://auth.example.com/token", "Access Token URL must be an absolute http or https URL.")]
    [InlineData("/token", "Access Token URL must be an absolute http or https URL.")]
    [InlineData("https://auth.example.com/token#x", "Access Token URL must not contain a fragment (#).")]
    public void The_token_URL_is_an_absolute_http_URL_without_fragment(string url, string message) =>
        Assert.Equal(message, (Valid(OAuthGrantType.ClientCredentials) with { TokenUrl = url }).Validate()[nameof(OAuthSettings.TokenUrl)].Single());

    [Fact]
    public void Scopes_are_optional_space_separated_tokens()
    {
        Assert.Null(Valid(OAuthGrantType.ClientCredentials).ScopeParameter);
        Assert.Equal("a b:c", (Valid(OAuthGrantType.ClientCredentials) with { Scopes = "  a \t b:c \n" }).ScopeParameter);
        Assert.True((Valid(OAuthGrantType.ClientCredentials) with { Scopes = "a \"b\"" }).Validate().ContainsKey(nameof(OAuthSettings.Scopes)));
    }

    [Fact]
    public void A_garbage_private_key_is_refused()
    {
        var errors = (Valid(OAuthGrantType.ClientCredentialsWithJwt) with { PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }).Validate();

        Assert.Equal("The private key is not an RSA private key PEM of at least 2048 bits.", errors[nameof(OAuthSettings.PrivateKeyPem)].Single());
    }

    [Fact]
    public void The_text_form_names_no_secret()
    {
        foreach (var grant in Enum.GetValues<OAuthGrantType>())
        {
            var text = Valid(grant).ToString();
            Assert.DoesNotContain("secret-value", text);
            Assert.DoesNotContain("password-value", text);
            Assert.DoesNotContain("PRIVATE", text);
            Assert.Contains(grant.DisplayName(), text);
        }
    }

    [Fact]
    public void Display_names_are_the_products()
    {
        Assert.Equal(["Client Credentials", "Password Credentials", "Client Credentials with JWT"],
            Enum.GetValues<OAuthGrantType>().Select(g => g.DisplayName()));
        Assert.Equal(["Basic Auth header", "Credentials in body"], Enum.GetValues<OAuthClientAuthentication>().Select(a => a.DisplayName()));
        Assert.Equal(["RS256", "RS384", "RS512"], Enum.GetValues<OAuthSigningAlgorithm>().Select(a => a.JwsAlgorithm()));
    }
}

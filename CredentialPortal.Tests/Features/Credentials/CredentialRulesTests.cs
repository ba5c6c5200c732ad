using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Tests.Features.Credentials;

public class CredentialRulesTests
{
    private static Dictionary<string, string[]> Validate(CredentialInput input, bool isCreate = true) => CredentialRules.Validate(input, isCreate);

    [Fact]
    public void A_complete_credential_of_each_type_is_valid()
    {
        Assert.Empty(Validate(CredentialInputs.ClientId()));
        Assert.Empty(Validate(CredentialInputs.ClientIdAndSecret()));
        Assert.Empty(Validate(CredentialInputs.ClientIdAndSecret(fieldName: "client id", location: CredentialLocation.QueryParam)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Name_is_required(string name)
    {
        var input = CredentialInputs.ClientId(name: name);
        Assert.Equal(["Name is required."], Validate(input)["Name"]);
    }

    [Fact]
    public void Name_is_at_most_100_characters()
    {
        Assert.Empty(Validate(CredentialInputs.ClientId(name: new string('n', 100))));
        Assert.Equal(["Name must be at most 100 characters."], Validate(CredentialInputs.ClientId(name: new string('n', 101)))["Name"]);
    }

    [Fact]
    public void Type_must_be_chosen()
    {
        var input = CredentialInputs.ClientId();
        input.Type = null;
        Assert.Equal(["Choose a type."], Validate(input)["Type"]);
    }

    [Fact]
    public void Field_name_is_required()
    {
        Assert.Equal(["Field Name is required."], Validate(CredentialInputs.ClientId(fieldName: " "))["FieldName"]);
    }

    [Theory]
    [InlineData("client id")]
    [InlineData("client:id")]
    [InlineData("clïent")]
    [InlineData("(id)")]
    [InlineData("a\"b")]
    public void A_header_field_name_must_be_an_http_token(string fieldName)
    {
        var message = Assert.Single(Validate(CredentialInputs.ClientId(fieldName: fieldName))["FieldName"]);
        Assert.Contains("not a valid header name (token)", message);
    }

    [Theory]
    [InlineData("clientid")]
    [InlineData("X-Api-Key")]
    [InlineData("!#$%&'*+-.^_`|~09azAZ")]
    public void Every_tchar_is_allowed_in_a_header_name(string fieldName)
    {
        Assert.Empty(Validate(CredentialInputs.ClientId(fieldName: fieldName)));
    }

    [Fact]
    public void A_query_param_name_may_be_any_text_without_line_breaks()
    {
        Assert.Empty(Validate(CredentialInputs.ClientId(fieldName: "client id:ü", location: CredentialLocation.QueryParam)));
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\0")]
    public void No_field_may_contain_cr_lf_or_nul(string bad)
    {
        var input = CredentialInputs.ClientIdAndSecret(name: $"a{bad}b", fieldName: $"c{bad}d", clientId: $"e{bad}f", secret: $"g{bad}h",
            location: CredentialLocation.QueryParam);

        var errors = Validate(input);

        Assert.Equal(["Name", "FieldName", "ClientId", "Secret"], errors.Keys);
        Assert.All(errors.Values, messages => Assert.Contains(messages, m => m.Contains("line breaks (CR, LF) or NUL")));
    }

    [Fact]
    public void Value_client_id_and_secret_are_required_on_create_only()
    {
        var clientId = CredentialInputs.ClientId(value: "");
        Assert.Equal(["Value is required."], Validate(clientId)["ClientId"]);
        Assert.Empty(Validate(clientId, isCreate: false));

        var withSecret = CredentialInputs.ClientIdAndSecret(clientId: "", secret: "");
        var errors = Validate(withSecret);
        Assert.Equal(["Client ID is required."], errors["ClientId"]);
        Assert.Equal(["Secret is required."], errors["Secret"]);
        Assert.Empty(Validate(withSecret, isCreate: false));
    }

    [Fact]
    public void A_client_id_credential_ignores_a_secret()
    {
        var input = CredentialInputs.ClientId();
        input.Secret = null;
        Assert.Empty(Validate(input));
    }
}

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

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u200C\u200D")]
    [InlineData("\u2060\uFEFF\u180E")]
    [InlineData(" \u200B\t")]
    [InlineData("\u200E\u200F\u061C")]
    [InlineData("\u202A\u202B\u202C\u202D\u202E")]
    [InlineData("\u2066\u2067\u2068\u2069")]
    [InlineData("\u2063")] // invisible separator
    [InlineData("\u00AD\u2061\u2062\u2064")] // soft hyphen, invisible operators
    [InlineData("\u034F\uFE0F\u180B")] // grapheme joiner, variation selectors
    [InlineData("\u3164\u115F\u1160\uFFA0")] // Hangul fillers
    [InlineData("\u2800")] // blank Braille pattern
    [InlineData("\U000E0041\U000E007F")] // tag characters
    public void A_name_that_is_empty_once_invisible_characters_are_removed_is_required(string name)
    {
        Assert.Equal(["Name is required."], Validate(CredentialInputs.ClientId(name: name))["Name"]);
    }

    [Theory]
    [InlineData("\U0001F469\u200D\U0001F4BB ops")] // a ZWJ emoji sequence draws something
    [InlineData("Soft\u00ADhyphen")]
    [InlineData("\u3164Hangul filler then text")]
    public void A_name_with_invisible_characters_among_visible_ones_is_accepted(string name)
    {
        Assert.False(Validate(CredentialInputs.ClientId(name: name)).ContainsKey("Name"));
    }

    [Theory]
    [InlineData("invoice\u202Egpj.exe")]
    [InlineData("\u2067Partner API")]
    [InlineData("Partner\u200FAPI")]
    [InlineData("Partner\u061C API")]
    public void A_name_with_a_text_direction_control_is_refused(string name)
    {
        var message = Assert.Single(Validate(CredentialInputs.ClientId(name: name))["Name"]);
        Assert.Contains("text-direction controls", message);
    }

    [Fact]
    public void A_name_may_carry_a_zero_width_joiner_inside_visible_text()
    {
        // Emoji sequences and some scripts need it; only a name of nothing else is empty.
        Assert.Empty(Validate(CredentialInputs.ClientId(name: "Ops \U0001F469\u200D\U0001F4BB team")));
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("content-length")]
    [InlineData("Content-Type")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Connection")]
    [InlineData("Upgrade")]
    [InlineData("TE")]
    [InlineData("Trailer")]
    [InlineData("Keep-Alive")]
    [InlineData("Proxy-Authorization")]
    [InlineData("proxy-connection")]
    public void A_header_name_http_or_the_portal_owns_is_refused_for_every_header_type(string name)
    {
        foreach (var input in new[]
                 {
                     CredentialInputs.ClientId(fieldName: name),
                     new CredentialInput { Name = "Bearer", Type = CredentialType.BearerToken, FieldName = name, Secret = "t" },
                     new CredentialInput { Name = "Hmac", Type = CredentialType.HmacSignature, FieldName = name, ClientId = "k", Secret = "s",
                         Format = HmacFormat.TimestampSignatureKey },
                 })
        {
            var message = Assert.Single(Validate(input)["FieldName"]);
            Assert.Contains($"{name} cannot be used", message);
            Assert.Contains("belong to HTTP itself", message);
        }
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("Webhook-Timestamp")]
    public void The_delivery_id_and_timestamp_headers_are_refused_as_a_credentials_header_name(string name)
    {
        foreach (var input in new[]
                 {
                     new CredentialInput { Name = "Bearer", Type = CredentialType.BearerToken, FieldName = name, Secret = "t" },
                     new CredentialInput { Name = "Hmac", Type = CredentialType.HmacSignature, FieldName = name, ClientId = "k", Secret = "s",
                         Format = HmacFormat.TimestampSignatureKey },
                 })
        {
            Assert.Contains($"{name} cannot be used: the portal sends webhook-id", Assert.Single(Validate(input)["FieldName"]));
        }
    }

    [Fact]
    public void A_value_a_header_carries_as_it_is_must_be_visible_ascii()
    {
        var bearer = Validate(new CredentialInput { Name = "Bearer", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "tökén-abc123456789" });
        Assert.Contains("visible ASCII", Assert.Single(bearer["Secret"]));
        var clientId = Validate(CredentialInputs.ClientId(fieldName: "X-Client", value: "clé-1234"));
        Assert.Contains("visible ASCII", Assert.Single(clientId["ClientId"]));
        var keyId = Validate(new CredentialInput { Name = "Hmac", Type = CredentialType.HmacSignature, FieldName = "X-Signature", ClientId = "clé	1",
            Secret = "s", Format = HmacFormat.TimestampSignatureKey });
        Assert.Contains("visible ASCII", Assert.Single(keyId["ClientId"]));

        // Sent encoded (a query parameter, Base64) or only signed with: any text.
        Assert.Empty(Validate(CredentialInputs.ClientId(fieldName: "client", value: "clé-1234", location: CredentialLocation.QueryParam)));
        Assert.Empty(Validate(new CredentialInput { Name = "Basic", Type = CredentialType.BasicAuth, FieldName = "Authorization", ClientId = "zoë", Secret = "pässword" }));
        Assert.Empty(Validate(new CredentialInput { Name = "Hmac", Type = CredentialType.HmacSignature, FieldName = "X-Signature", ClientId = "k1",
            Secret = "sécret", Format = HmacFormat.TimestampSignatureKey }));
    }

    [Fact]
    public void A_reserved_name_is_fine_as_a_query_parameter()
    {
        Assert.Empty(Validate(CredentialInputs.ClientId(fieldName: "host", location: CredentialLocation.QueryParam)));
    }

    [Theory]
    [InlineData("X-Key\t", "control characters")]
    [InlineData("\tX-Key", "control characters")]
    [InlineData("X\tKey", "control characters")]
    [InlineData("X-Key\u007F", "control characters")]
    [InlineData("X-K\u0001ey", "control characters")]
    [InlineData("X-Kéy", "ASCII characters only")]
    [InlineData("X-Key\u00A0", "ASCII characters only")]
    public void A_header_name_with_a_control_or_non_ascii_character_is_refused_beside_the_field(string name, string rule)
    {
        foreach (var input in new[]
                 {
                     CredentialInputs.ClientId(fieldName: name),
                     new CredentialInput { Name = "Bearer", Type = CredentialType.BearerToken, FieldName = name, Secret = "t" },
                 })
        {
            var message = Assert.Single(Validate(input)["FieldName"]);
            Assert.Contains("not a valid header name (token)", message);
            Assert.Contains(rule, message);
        }
    }

    [Theory]
    [InlineData("plain value")]
    [InlineData("Bearer abc.def-ghi_jkl~=+/")]
    [InlineData("")]
    public void A_header_value_of_visible_ascii_and_spaces_is_fine(string value)
    {
        Assert.Null(CredentialRules.HeaderValueError(value, "Header value"));
    }

    [Theory]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("a\tb")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0085b")]
    [InlineData("caf\u00E9")]
    [InlineData("\u202Eevil")]
    public void A_header_value_with_a_control_or_non_ascii_character_is_refused(string value)
    {
        Assert.Contains("visible ASCII characters and spaces only", CredentialRules.HeaderValueError(value, "Header value"));
    }
}

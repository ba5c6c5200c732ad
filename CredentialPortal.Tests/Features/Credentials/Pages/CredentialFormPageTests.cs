using Bunit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

public class CredentialFormPageTests : PortalComponentTest
{
    private static string[] Labels(IRenderedComponent<CredentialFormPage> page) =>
        page.FindAll("label.mud-input-label").Select(l => l.TextContent.Trim().TrimEnd('*').Trim()).ToArray();

    private async Task ChooseAsync<T>(IRenderedComponent<CredentialFormPage> page, string label, string option)
    {
        var select = page.FindComponents<MudSelect<T>>().Single(s => s.Instance.Label == label);
        await select.InvokeAsync(select.Instance.OpenMenu);
        var item = Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == option);
        await item.ClickAsync(new());
    }

    private Task ChooseTypeAsync(IRenderedComponent<CredentialFormPage> page, string option) => ChooseAsync<CredentialType?>(page, "Type", option);

    private Task ChooseLocationAsync(IRenderedComponent<CredentialFormPage> page, string option) => ChooseAsync<CredentialLocation>(page, "Location", option);

    private static async Task TypeAsync(IRenderedComponent<CredentialFormPage> page, string label, string value)
    {
        var field = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == label);
        var input = field.Find("input");
        // Debounced fields bind on input, the others on change, as in the browser.
        if (field.Instance.Immediate || field.Instance.DebounceInterval > 0)
        {
            await input.InputAsync(new() { Value = value });
        }
        else
        {
            await input.ChangeAsync(new() { Value = value });
        }
    }

    private static string[] Messages(IRenderedComponent<CredentialFormPage> page) =>
        page.FindAll(".mud-input-helper-text.mud-input-error").Select(m => m.TextContent.Trim()).ToArray();

    [Fact]
    public async Task Choosing_the_type_reveals_its_fields()
    {
        var page = Render<CredentialFormPage>();
        Assert.Equal(["Name", "Type"], Labels(page));

        await ChooseTypeAsync(page, "Client ID");
        page.WaitForAssertion(() => Assert.Equal(["Name", "Type", "Field Name", "Location", "Value"], Labels(page)));

        await ChooseTypeAsync(page, "Client ID and Secret");
        page.WaitForAssertion(() => Assert.Equal(["Name", "Type", "Field Name", "Location", "Client ID", "Secret"], Labels(page)));
        Assert.Equal(["Save", "Cancel"], page.FindAll("button, a.mud-button").Select(b => b.TextContent.Trim()).Where(t => t is "Save" or "Cancel").Reverse());
    }

    [Theory]
    [InlineData("Bearer Token", new[] { "Name", "Type", "Token", "Header Name" }, "Authorization")]
    [InlineData("Basic Auth", new[] { "Name", "Type", "Username", "Password" }, "Authorization")]
    [InlineData("HMAC Signature", new[] { "Name", "Type", "Format", "Key ID", "Secret", "Header Name" }, "X-Signature")]
    public async Task Each_further_type_reveals_its_own_fields(string type, string[] labels, string defaultHeader)
    {
        var page = Render<CredentialFormPage>();

        await ChooseTypeAsync(page, type);

        page.WaitForAssertion(() => Assert.Equal(labels, Labels(page)));
        if (labels.Contains("Header Name"))
        {
            Assert.Equal(defaultHeader, page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Header Name").Find("input").GetAttribute("value"));
        }
    }

    [Fact]
    public async Task Generate_secret_makes_a_secret_for_the_chosen_format_and_never_switches_it()
    {
        var page = Render<CredentialFormPage>();
        await ChooseTypeAsync(page, "HMAC Signature");

        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Generate secret").ClickAsync(new());

        var shown = page.Find("[data-testid=generated-secret] code").TextContent;
        Assert.Matches("^[0-9a-f]{64}$", shown);
        Assert.Equal(["Name", "Type", "Format", "Key ID", "Secret", "Header Name"], Labels(page)); // still t=,v1=,key=

        await ChooseAsync<HmacFormat?>(page, "Format", "Standard Webhooks");
        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Generate secret").ClickAsync(new());

        page.WaitForAssertion(() => Assert.NotNull(CredentialRules.StandardWebhooksKey(page.Find("[data-testid=generated-secret] code").TextContent)));
        Assert.Equal(["Name", "Type", "Format", "Secret"], Labels(page)); // Standard Webhooks has no key id
        Assert.Contains(page.FindAll("button"), b => b.GetAttribute("aria-label") == "Copy secret");
    }

    [Fact]
    public async Task Editing_a_bearer_token_never_renders_it()
    {
        var id = await SeedAsync(new CredentialInput { Name = "Token", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "tok_secret_value_9876" });

        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.Contains("Configured · ends in …9876", page.Markup));
        Assert.DoesNotContain("tok_secret_value_9876", page.Markup);
        Assert.Equal(["Name", "Type", "Header Name"], Labels(page)); // the Token is in its stored state, with Replace
        Assert.Contains(page.FindAll("button"), b => b.GetAttribute("aria-label") == "Replace Token");
    }

    [Fact]
    public async Task Creates_a_credential_and_returns_to_the_list()
    {
        var page = Render<CredentialFormPage>();
        await TypeAsync(page, "Name", "Hyrule");
        await ChooseTypeAsync(page, "Client ID and Secret");
        await TypeAsync(page, "Field Name", "clientid");
        await ChooseLocationAsync(page, "Query Param");
        await TypeAsync(page, "Client ID", "link");
        await TypeAsync(page, "Secret", "epona");

        await page.Find("form").SubmitAsync();

        var saved = Assert.Single((await Credentials.ListAsync(new())).Items);
        var resolved = await Credentials.ResolveAsync(saved.Id);
        Assert.Equal(("Hyrule", CredentialLocation.QueryParam, "bGlua2Vwb25h"), (saved.Name, resolved!.Location, resolved.WireValue));
        Assert.EndsWith("/integrations/webhook-credentials", Services.GetRequiredService<NavigationManager>().Uri);
        Snackbars.WaitForAssertion(() => Assert.Contains("Credential “Hyrule” saved.", Snackbars.Markup));
    }

    [Fact]
    public async Task Bad_input_gets_messages_beside_its_fields_and_nothing_is_saved()
    {
        var page = Render<CredentialFormPage>();
        await ChooseTypeAsync(page, "Client ID");
        await TypeAsync(page, "Field Name", "client id");

        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains(Messages(page), m => m.StartsWith("Name is required.")));
        Assert.Contains(Messages(page), m => m.Contains("not a valid header name (token)"));
        Assert.Contains(Messages(page), m => m.StartsWith("Value is required."));
        Assert.Equal(0, (await Credentials.ListAsync(new())).TotalCount);
    }

    [Fact]
    public async Task Changing_the_location_rechecks_the_field_name()
    {
        var page = Render<CredentialFormPage>();
        await ChooseTypeAsync(page, "Client ID");
        await TypeAsync(page, "Field Name", "client id");
        page.WaitForAssertion(() => Assert.Contains(Messages(page), m => m.Contains("not a valid header name (token)")));

        await ChooseLocationAsync(page, "Query Param");
        page.WaitForAssertion(() => Assert.DoesNotContain(Messages(page), m => m.Contains("not a valid header name")));

        await ChooseLocationAsync(page, "Header");
        page.WaitForAssertion(() => Assert.Contains(Messages(page), m => m.Contains("not a valid header name (token)")));
        Assert.DoesNotContain(Messages(page), m => m.StartsWith("Name is required."));
    }

    [Fact]
    public async Task A_taken_name_is_cautioned_but_can_still_be_saved()
    {
        await SeedAsync(CredentialInputs.ClientId("Twins"));
        var page = Render<CredentialFormPage>();

        await TypeAsync(page, "Name", "Twins");

        page.WaitForAssertion(() => Assert.Contains("Another credential is already named “Twins”", page.Find("[data-testid=name-taken]").TextContent),
            TimeSpan.FromSeconds(3));
        await ChooseTypeAsync(page, "Client ID");
        await TypeAsync(page, "Field Name", "clientid");
        await TypeAsync(page, "Value", "second");
        await page.Find("form").SubmitAsync();
        Assert.Equal(2, (await Credentials.ListAsync(new("Twins"))).TotalCount);
    }

    [Fact]
    public async Task Edit_locks_the_type_and_never_renders_a_saved_secret()
    {
        var id = await SeedAsync(CredentialInputs.ClientIdAndSecret("Hyrule", clientId: "client-0001", secret: "sk_live_abcdWXYZ"));

        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.Contains("Hyrule", page.Markup));
        var type = page.FindComponents<MudSelect<CredentialType?>>().Single();
        Assert.True(type.Instance.Disabled);
        Assert.Contains("Client ID and Secret", type.Markup);
        Assert.Contains("delete this credential and create a new one", type.Markup);
        Assert.DoesNotContain("sk_live_abcdWXYZ", page.Markup);
        Assert.DoesNotContain("client-0001", page.Markup);
        Assert.Contains("ends in …WXYZ", page.Markup);
        Assert.All(page.FindAll("input[type=password]"), i => Assert.True(string.IsNullOrEmpty(i.GetAttribute("value"))));
    }

    [Fact]
    public async Task Saving_an_edit_with_an_empty_secret_keeps_it()
    {
        var id = await SeedAsync(CredentialInputs.ClientIdAndSecret("Hyrule", clientId: "link", secret: "epona"));
        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Hyrule", page.Markup));

        await TypeAsync(page, "Name", "Hyrule renamed");
        await page.Find("form").SubmitAsync();

        var stored = await Credentials.ResolveAsync(id);
        Assert.Equal("bGlua2Vwb25h", stored!.WireValue);
        Assert.Equal("Hyrule renamed", (await Credentials.GetForEditAsync(id))!.Name);
    }

    [Fact]
    public async Task A_save_that_lost_a_race_says_so_and_overwrites_nothing()
    {
        var id = await SeedAsync(CredentialInputs.ClientId("shared"));
        var page = Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Contains("shared", page.Markup));

        var other = (await Credentials.GetForEditAsync(id))!.ToInput();
        other.Name = "saved by someone else";
        await Credentials.UpdateAsync(id, other);

        await TypeAsync(page, "Name", "my change");
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("changed by someone else", page.Find("[role=alert]").TextContent));
        Assert.Equal("saved by someone else", (await Credentials.GetForEditAsync(id))!.Name);
    }

    private static Task ClickAsync(IRenderedComponent<CredentialFormPage> page, string button) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == button).ClickAsync(new());

    [Fact]
    public async Task OAuth_reveals_the_fields_of_each_grant()
    {
        var page = Render<CredentialFormPage>();

        await ChooseTypeAsync(page, "OAuth 2.0");
        page.WaitForAssertion(() => Assert.Equal(
            ["Name", "Type", "Grant Type", "Access Token URL", "Client ID", "Scopes", "Secret", "Client Authentication"], Labels(page)));
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Test connection");

        await ChooseAsync<OAuthGrantType>(page, "Grant Type", "Password Credentials");
        page.WaitForAssertion(() => Assert.Equal(
            ["Name", "Type", "Grant Type", "Access Token URL", "Client ID", "Scopes", "Secret", "Client Authentication", "Username", "Password",
                "Refresh Token URL"], Labels(page)));

        await ChooseAsync<OAuthGrantType>(page, "Grant Type", "Client Credentials with JWT");
        page.WaitForAssertion(() => Assert.Equal(
            ["Name", "Type", "Grant Type", "Access Token URL", "Client ID", "Scopes", "Signing Algorithm"], Labels(page)));
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Generate key pair");
    }

    [Fact]
    public async Task Generate_key_pair_shows_the_public_key_as_PEM_and_JWK_and_Regenerate_asks_first()
    {
        var page = Render<CredentialFormPage>();
        await ChooseTypeAsync(page, "OAuth 2.0");
        await ChooseAsync<OAuthGrantType>(page, "Grant Type", "Client Credentials with JWT");

        await ClickAsync(page, "Generate key pair");

        var kid = page.WaitForElement("[data-testid=key-id]").TextContent;
        var pem = page.Find("textarea[data-testid=public-key-pem], [data-testid=public-key-pem] textarea").TextContent;
        var jwk = System.Text.Json.JsonDocument.Parse(page.Find("textarea[data-testid=public-key-jwk], [data-testid=public-key-jwk] textarea").TextContent).RootElement;
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem);
        Assert.Equal((kid, "RS256", "RSA"), (jwk.GetProperty("kid").GetString(), jwk.GetProperty("alg").GetString(), jwk.GetProperty("kty").GetString()));
        Assert.False(jwk.TryGetProperty("d", out _));
        Assert.DoesNotContain("PRIVATE KEY", page.Markup);

        await ChooseAsync<OAuthSigningAlgorithm>(page, "Signing Algorithm", "RS512");
        page.WaitForAssertion(() => Assert.Contains("\"alg\": \"RS512\"", page.Find("textarea[data-testid=public-key-jwk], [data-testid=public-key-jwk] textarea").TextContent));

        // The click's handler waits for the dialog's answer: answer it before awaiting the click.
        var asking = ClickAsync(page, "Regenerate");
        var cancel = Dialogs.WaitForElements("[role=dialog] button").Single(b => b.TextContent.Trim() == "Cancel");
        await cancel.ClickAsync(new());
        await asking;
        Assert.Equal(kid, page.Find("[data-testid=key-id]").TextContent);

        asking = ClickAsync(page, "Regenerate");
        var regenerate = Dialogs.WaitForElements("[role=dialog] button").Single(b => b.TextContent.Trim() == "Regenerate");
        await regenerate.ClickAsync(new());
        await asking;
        page.WaitForAssertion(() => Assert.NotEqual(kid, page.Find("[data-testid=key-id]").TextContent));
    }

    [Fact]
    public async Task Editing_an_OAuth_credential_never_renders_its_secrets_or_private_key()
    {
        var pair = OAuthKeys.Generate();
        var jwtId = await SeedAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.ClientCredentialsWithJwt,
            TokenUrl = "https://auth.example.com/token", ClientId = "jwt-client-0001", PrivateKeyPem = pair.PrivateKeyPem,
        });
        var passwordId = await SeedAsync(new CredentialInput
        {
            Name = "Owner", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.PasswordCredentials,
            TokenUrl = "https://auth.example.com/token", ClientId = "pw-client-0002", Secret = "client-secret-AAAA",
            Username = "operator-BBBB", Password = "password-CCCC",
        });

        var jwt = Render<CredentialFormPage>(p => p.Add(x => x.Id, jwtId));
        jwt.WaitForAssertion(() => Assert.Equal(pair.PublicKey.KeyId, jwt.Find("[data-testid=key-id]").TextContent));
        Assert.DoesNotContain("PRIVATE KEY", jwt.Markup);
        Assert.DoesNotContain(pair.PrivateKeyPem.Split('\n')[1], jwt.Markup);
        Assert.Contains("jwt-client-0001", jwt.Markup); // an identifier, shown and editable
        Assert.Contains(jwt.FindAll("button"), b => b.TextContent.Trim() == "Regenerate");

        var password = Render<CredentialFormPage>(p => p.Add(x => x.Id, passwordId));
        password.WaitForAssertion(() => Assert.Contains("Configured · ends in …AAAA", password.Markup));
        Assert.DoesNotContain("…CCCC", password.Markup); // a chosen password: no ending kept
        foreach (var hidden in new[] { "client-secret-AAAA", "password-CCCC" })
        {
            Assert.DoesNotContain(hidden, password.Markup);
        }
        Assert.Contains("https://auth.example.com/token", password.Markup);
    }

    [Fact]
    public async Task Test_connection_with_missing_fields_puts_the_messages_beside_them()
    {
        var page = Render<CredentialFormPage>();
        await ChooseTypeAsync(page, "OAuth 2.0");

        await ClickAsync(page, "Test connection");

        page.WaitForAssertion(() => Assert.Contains(Messages(page), m => m.StartsWith("Access Token URL is required.")));
        Assert.Contains(Messages(page), m => m.StartsWith("Client ID is required."));
        Assert.Contains(Messages(page), m => m.StartsWith("Secret is required."));
        Assert.Empty(page.FindAll("[data-testid=connection-result]"));
    }

    [Fact]
    public async Task Typing_the_OAuth_token_url_updates_the_request_preview()
    {
        var page = Render<CredentialFormPage>();
        var type = page.FindComponents<MudSelect<CredentialType?>>().Single(s => s.Instance.Label == "Type");
        await type.InvokeAsync(type.Instance.OpenMenu);
        await Popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "OAuth 2.0").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("the Access Token URL", page.Find("[data-testid=request-preview]").TextContent));

        var url = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Access Token URL");
        await url.Find("input").ChangeAsync(new() { Value = "https://auth.example.com/token" });

        page.WaitForAssertion(() => Assert.Contains("token from https://auth.example.com/token", page.Find("[data-testid=request-preview]").TextContent));
    }
}

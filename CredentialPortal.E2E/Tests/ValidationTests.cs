using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.E2E.Tests;

/// <summary>Bad input gets a message beside its field; nothing is saved, nothing typed is lost.</summary>
public sealed class ValidationTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task Empty_name_is_refused_beside_the_field()
    {
        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.NewCredentialAsync();
        await form.ChooseTypeAsync("Client ID");
        await form.EnterAsync(form.FieldName, "clientid");
        await form.EnterAsync(form.Value, "some-value");

        await form.SaveAsync();
        await form.ExpectFieldErrorAsync(form.Name, new Regex("Name is required"));
        await form.ExpectOpenAsync();
        await Expect(form.FieldName).ToHaveValueAsync("clientid");
        Assert.Equal(0, (await App.Credentials.ListAsync(new CredentialListQuery())).TotalCount);

        // Fixing the name lets the same form be saved.
        await form.EnterAsync(form.Name, "Named at last");
        await Expect(form.Name).ToHaveAttributeAsync("aria-invalid", "false");
        await form.SaveAsync();
        await list.ExpectOpenAsync();
        await list.ExpectNamesAsync("Named at last");
    }

    [Fact]
    public async Task Header_field_name_must_be_an_http_token()
    {
        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.NewCredentialAsync();
        await form.EnterAsync(form.Name, "Token rule");
        await form.ChooseTypeAsync("Client ID");
        await form.ChooseLocationAsync("Header");
        await form.EnterAsync(form.FieldName, "bad name");
        await form.ExpectFieldErrorAsync(form.FieldName, new Regex(Regex.Escape("not a valid header name (token)")));
        await form.EnterAsync(form.Value, "token-value");

        await form.SaveAsync();
        await form.ExpectOpenAsync();
        await form.ExpectFieldErrorAsync(form.FieldName, new Regex(Regex.Escape("not a valid header name (token)")));
        await Expect(form.Name).ToHaveValueAsync("Token rule");
        Assert.Equal(0, (await App.Credentials.ListAsync(new CredentialListQuery())).TotalCount);

        await form.EnterAsync(form.FieldName, "X-Api-Key");
        await Expect(form.FieldName).ToHaveAttributeAsync("aria-invalid", "false");
        await form.SaveAsync();
        await list.ExpectOpenAsync();
        await list.ExpectNamesAsync("Token rule");
        var id = (await App.Credentials.ListAsync(new CredentialListQuery())).Items.Single().Id;
        Assert.Equal("X-Api-Key", (await App.Credentials.ResolveAsync(id))!.FieldName);
    }

    [Fact]
    public async Task Bad_input_on_edit_changes_nothing()
    {
        var id = await CreateCredentialAsync("Untouched", fieldName: "clientid");
        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.EditAsync("Untouched");

        await form.EnterAsync(form.Name, "");
        await form.EnterAsync(form.FieldName, "bad name");
        await form.SaveAsync();
        await form.ExpectFieldErrorAsync(form.Name, new Regex("Name is required"));
        await form.ExpectFieldErrorAsync(form.FieldName, new Regex(Regex.Escape("not a valid header name (token)")));

        await list.GotoAsync();
        await list.ExpectNamesAsync("Untouched");
        var stored = await App.Credentials.GetForEditAsync(id);
        Assert.NotNull(stored);
        Assert.Equal("Untouched", stored.Name);
        Assert.Equal("clientid", stored.FieldName);
        Assert.Equal(1, stored.Version);
    }
}

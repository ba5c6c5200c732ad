using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.E2E.Tests;

/// <summary>+ NEW CREDENTIAL, the type revealing its fields, the duplicate-name caution.</summary>
public sealed class NewCredentialTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task Choosing_the_type_reveals_its_fields_and_the_credential_is_saved()
    {
        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.NewCredentialAsync();

        await Expect(form.Name).ToBeVisibleAsync();
        await Expect(form.Type).ToBeVisibleAsync();
        await Expect(form.Type).ToBeEnabledAsync();
        await Expect(form.FieldName).ToHaveCountAsync(0);
        await Expect(form.Location).ToHaveCountAsync(0);
        await Expect(form.Value).ToHaveCountAsync(0);
        await Expect(form.Secret).ToHaveCountAsync(0);

        await form.Type.ClickAsync();
        await Expect(form.Options).ToHaveTextAsync(["Client ID", "Client ID and Secret", "Bearer Token", "Basic Auth", "HMAC Signature", "OAuth 2.0"]);
        await form.Page.Keyboard.PressAsync("Escape");

        await form.ChooseTypeAsync("Client ID");
        await Expect(form.FieldName).ToBeVisibleAsync();
        await Expect(form.Location).ToBeVisibleAsync();
        await Expect(form.Value).ToBeVisibleAsync();
        await Expect(form.ClientId).ToHaveCountAsync(0);
        await Expect(form.Secret).ToHaveCountAsync(0);

        await form.Location.ClickAsync();
        await Expect(form.Options).ToHaveTextAsync(["Header", "Query Param"]);
        await form.Page.Keyboard.PressAsync("Escape");

        await form.ChooseTypeAsync("Client ID and Secret");
        await Expect(form.FieldName).ToBeVisibleAsync();
        await Expect(form.Location).ToBeVisibleAsync();
        await Expect(form.ClientId).ToBeVisibleAsync();
        await Expect(form.Secret).ToBeVisibleAsync();
        await Expect(form.Value).ToHaveCountAsync(0);

        await form.Name.FillAsync("Billing partner");
        await form.FieldName.FillAsync("auth");
        await form.ChooseLocationAsync("Query Param");
        await form.ClientId.FillAsync("billing-client");
        await form.Secret.FillAsync("billing-secret-7781");
        await form.SaveAsync();

        await list.ExpectOpenAsync();
        await Expect(list.Snackbar("saved")).ToBeVisibleAsync();
        await list.ExpectNamesAsync("Billing partner");
        await Expect(list.Cells("Billing partner").Nth(1)).ToHaveTextAsync("Client ID and Secret");
        await list.ReloadAsync();
        await list.ExpectNamesAsync("Billing partner");

        var id = (await App.Credentials.ListAsync(new CredentialListQuery())).Items.Single().Id;
        var stored = await App.Credentials.ResolveAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(CredentialType.ClientIdAndSecret, stored.Type);
        Assert.Equal("auth", stored.FieldName);
        Assert.Equal(CredentialLocation.QueryParam, stored.Location);
        Assert.Equal("billing-client", stored.ClientId);
        Assert.Equal("billing-secret-7781", stored.Secret);
    }

    [Fact]
    public async Task A_taken_name_is_cautioned_but_can_still_be_saved()
    {
        await CreateCredentialAsync("Shared name");
        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.NewCredentialAsync();

        await form.Name.FillAsync("Shared name");
        await Expect(form.NameTakenCaution).ToBeVisibleAsync();
        await form.Name.FillAsync("Shared name 2");
        await Expect(form.NameTakenCaution).ToBeHiddenAsync();
        await form.Name.FillAsync("Shared name");
        await Expect(form.NameTakenCaution).ToBeVisibleAsync();

        await form.ChooseTypeAsync("Client ID");
        await form.FieldName.FillAsync("clientid");
        await form.Value.FillAsync("second-value");
        await form.SaveAsync();

        await list.ExpectOpenAsync();
        await list.ExpectNamesAsync("Shared name", "Shared name");
        Assert.Equal(2, (await App.Credentials.ListAsync(new CredentialListQuery())).TotalCount);
    }
}

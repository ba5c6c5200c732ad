namespace CredentialPortal.E2E.Pages;

/// <summary>The delete confirmation: a dialog naming the credential, with Cancel and Delete.</summary>
public sealed class DeleteDialog(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public ILocator CancelButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true });

    public ILocator DeleteButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true });

    public async Task ExpectOpenAsync(string credentialName)
    {
        await Expect(Dialog).ToBeVisibleAsync();
        await Expect(Dialog).ToContainTextAsync(credentialName);
    }

    public async Task CancelAsync()
    {
        await CancelButton.ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
    }

    public async Task ConfirmAsync()
    {
        await DeleteButton.ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
    }
}

namespace CredentialPortal.E2E.Pages;

/// <summary>The delete confirmation: a dialog naming the credential (or alert), with Cancel and Delete.</summary>
public sealed class DeleteDialog(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public ILocator CancelButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true });

    public ILocator DeleteButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true });

    /// <summary>A credential's dialog: the alerts that use it (each links to its overview).</summary>
    public ILocator ListedAlerts => UsedBy.GetByRole(AriaRole.Listitem);

    /// <summary>A credential's dialog: the alerts that inherit it through those levels.</summary>
    public ILocator ListedInheritingAlerts => Dialog.GetByLabel("Alerts that inherit this credential", new() { Exact = true }).GetByRole(AriaRole.Listitem);

    private ILocator UsedBy => Dialog.GetByLabel("Alerts that use this credential", new() { Exact = true });

    /// <summary>A credential's dialog: the hierarchy levels that have it as their own (each says what it will inherit).</summary>
    public ILocator ListedLevels => Dialog.GetByLabel("Hierarchy levels that use this credential", new() { Exact = true }).GetByRole(AriaRole.Listitem);

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

namespace CredentialPortal.E2E.Pages;

/// <summary>
/// Settings › Hierarchy: the tree Platform › partners › organizations › workspaces. Each entity is a group named by its
/// level and name ("Partner Acme") with its credential line and its buttons (Add …, Credential of …, Rename …, Delete …).
/// </summary>
public sealed class HierarchyPage(IPage page) : PortalPage(page)
{
    public override string Path => "settings/hierarchy";

    public ILocator Tree => Page.GetByRole(AriaRole.List, new() { Name = "Hierarchy", Exact = true });

    /// <summary>An entity's row, e.g. Node("Partner", "Acme").</summary>
    public ILocator Node(string level, string name) => Page.GetByRole(AriaRole.Group, new() { Name = $"{level} {name}", Exact = true });

    /// <summary>The entity's own credential, or what it inherits and from where.</summary>
    public ILocator CredentialLine(string level, string name) => Node(level, name).GetByTestId("hierarchy-credential");

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    public ILocator NameField => Dialog.GetByLabel("Name", new() { Exact = true });

    public ILocator CredentialField => Dialog.GetByRole(AriaRole.Combobox, new() { Name = "Credential", Exact = true });

    public ILocator DialogButton(string name) => Dialog.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Snackbar(string text) => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = text });

    public ILocator Button(string level, string name, string action) =>
        Node(level, name).GetByRole(AriaRole.Button, new() { Name = action, Exact = true });

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading("Hierarchy")).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
        await Expect(Node("Platform", "Platform").Or(Tree.GetByRole(AriaRole.Group).First)).ToBeVisibleAsync();
    }

    /// <summary>Opens the name dialog of "Add {child} to {parent}", without saving.</summary>
    public async Task OpenAddAsync(string parentLevel, string parentName, string childLevel)
    {
        await Button(parentLevel, parentName, $"Add {childLevel.ToLowerInvariant()} to {parentName}").ClickAsync();
        await Expect(NameField).ToBeVisibleAsync();
    }

    /// <summary>Adds a partner, organization or workspace under its parent and waits for it in the tree.</summary>
    public async Task AddAsync(string parentLevel, string parentName, string childLevel, string name)
    {
        await OpenAddAsync(parentLevel, parentName, childLevel);
        await NameField.FillAsync(name);
        await DialogButton("Add").ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
        await Expect(Node(childLevel, name)).ToBeVisibleAsync();
    }

    public async Task RenameAsync(string level, string name, string newName)
    {
        await Button(level, name, $"Rename {level} {name}").ClickAsync();
        await Expect(NameField).ToHaveValueAsync(name);
        await NameField.FillAsync(newName);
        await DialogButton("Rename").ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
        await Expect(Node(level, newName)).ToBeVisibleAsync();
    }

    /// <summary>Delete's confirmation for an entity (answer it with <see cref="DeleteDialog.ConfirmAsync"/> or Cancel).</summary>
    public async Task<DeleteDialog> DeleteAsync(string level, string name)
    {
        await Button(level, name, $"Delete {level} {name}").ClickAsync();
        var dialog = new DeleteDialog(Page);
        await dialog.ExpectOpenAsync(name);
        return dialog;
    }

    /// <summary>Opens the entity's credential dialog.</summary>
    public async Task OpenCredentialAsync(string level, string name)
    {
        await Button(level, name, $"Credential of {level} {name}").ClickAsync();
        await Expect(CredentialField).ToBeVisibleAsync();
    }

    /// <summary>Makes a credential the entity's own: picked by name from the choices, saved.</summary>
    public async Task SetCredentialAsync(string level, string name, string credentialName)
    {
        await OpenCredentialAsync(level, name);
        await CredentialField.ClickAsync(); // the choices open on focus, most recently modified first
        await Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option)
            .Filter(new() { Has = Page.GetByText(credentialName, new() { Exact = true }) }).ClickAsync();
        await DialogButton("Save").ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
        await Expect(CredentialLine(level, name)).ToContainTextAsync($"Own credential: ");
        await Expect(CredentialLine(level, name)).ToContainTextAsync($"'{credentialName}'");
    }

    /// <summary>Clears the entity's own credential: it inherits its parent's again.</summary>
    public async Task ClearCredentialAsync(string level, string name)
    {
        await OpenCredentialAsync(level, name);
        await DialogButton("Clear").ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
        await Expect(CredentialLine(level, name)).ToContainTextAsync("Inherits from ");
    }

    /// <summary>Whether anything makes the page wider than the window (a person would have to scroll sideways).</summary>
    public Task<bool> OverflowsHorizontallyAsync() =>
        Page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth > window.innerWidth");
}

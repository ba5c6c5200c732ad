using System.Text.RegularExpressions;

namespace CredentialPortal.E2E.Pages;

/// <summary>The Rotation section of a credential's page: its state, Rotate (with its dialog) and Roll back.</summary>
public sealed class RotationPanel(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Section => Page.GetByRole(AriaRole.Region, new() { Name = "Rotation", Exact = true });

    /// <summary>"Rotated …; the previous secret works until …", or "Not rotated. …".</summary>
    public ILocator State => Section.GetByTestId("rotation-state");

    public ILocator RotateButton => Section.GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true });

    public ILocator RollBackButton => Section.GetByRole(AriaRole.Button, new() { Name = "Roll back", Exact = true });

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "Rotate" });

    public ILocator GenerateSwitch => Dialog.GetByRole(AriaRole.Switch, new() { NameRegex = new Regex("^Generate the new") });

    public ILocator GracePeriod => Dialog.GetByRole(AriaRole.Combobox, new() { Name = "Grace period", Exact = true });

    public ILocator ConfirmRotateButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true });

    /// <summary>The generated secret, shown once in the dialog after the rotation.</summary>
    public ILocator NewSecret => Dialog.GetByLabel("New secret", new() { Exact = true });

    public ILocator DoneButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Done", Exact = true });

    public ILocator Snackbar(string text) => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = text });

    public async Task<ILocator> OpenRotateDialogAsync()
    {
        await RotateButton.ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();
        return Dialog;
    }

    /// <summary>Rotate with a generated secret and the default grace period; returns the secret the dialog shows once.</summary>
    public async Task<string> RotateWithGeneratedSecretAsync()
    {
        await OpenRotateDialogAsync();
        await Expect(GenerateSwitch).ToBeCheckedAsync();
        await Expect(GracePeriod).ToHaveValueAsync("24 hours");
        await ConfirmRotateButton.ClickAsync();
        await Expect(NewSecret).ToHaveValueAsync(new Regex(@"^whsec_\S+$"));
        var secret = await NewSecret.InputValueAsync();
        await DoneButton.ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
        return secret;
    }
}

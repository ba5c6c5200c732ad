using MudBlazor;

namespace CredentialPortal.Components.Layout;

public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        // No web fonts offline: system fonts throughout.
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}

using Microsoft.AspNetCore.Http;
using MudBlazor;

namespace CredentialPortal.Components.Layout;

/// <summary>
/// The portal's look. Every colour that carries text (messages, chips, snackbars, outlined buttons, step labels) is
/// chosen for at least 4.5:1 against the page and its own contrast text (WCAG AA), in both palettes: MudBlazor's
/// defaults (#f44336 error, #ff9800 warning, #00c853 success, 38 % grey disabled text) fall short of that.
/// </summary>
public static class PortalTheme
{
    /// <summary>Name of the cookie that remembers the person's choice of palette ("dark" or "light"; absent: the system's).</summary>
    public const string CookieName = "portal-theme";

    /// <summary>The palette the person chose, read from the request's cookie: true dark, false light, null the system's.</summary>
    public static bool? ChosenDarkMode(HttpContext? context) => context?.Request.Cookies[CookieName] switch
    {
        "dark" => true,
        "light" => false,
        _ => null,
    };

    public static readonly MudTheme Theme = new()
    {
        // No web fonts offline: system fonts throughout.
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
        PaletteLight = new PaletteLight
        {
            // On white: error 5.6:1, warning 6.3:1, success 7.9:1, info 5.8:1; white text on each of them likewise.
            Error = "#c62828",
            ErrorDarken = "#8e1c1c",
            ErrorContrastText = "#ffffff",
            Warning = "#8a5300",
            WarningDarken = "#6b4000",
            WarningContrastText = "#ffffff",
            // Darker than the others: snackbars show it slightly translucent, which costs some contrast.
            Success = "#1b5e20",
            SuccessDarken = "#0f3d13",
            SuccessContrastText = "#ffffff",
            Info = "#1565c0",
            InfoDarken = "#0d47a1",
            InfoContrastText = "#ffffff",
            TextSecondary = "rgba(0,0,0,0.62)",
            // Also the colour of labels that are merely not current (e.g. a stepper's other steps): 5.3:1 on white.
            TextDisabled = "rgba(0,0,0,0.58)",
        },
        PaletteDark = new PaletteDark
        {
            // On the dark background (#32333d) and surface (#373740): all above 4.5:1; their contrast text is near-black,
            // since white on these lighter shades would not be.
            Primary = "#a59cff",
            PrimaryContrastText = "#1e1e2d",
            Error = "#ff7b86",
            ErrorContrastText = "#1e1e2d",
            Warning = "#ffa800",
            WarningContrastText = "#1e1e2d",
            Success = "#3dd68c",
            SuccessContrastText = "#1e1e2d",
            Info = "#64b5f6",
            InfoContrastText = "#1e1e2d",
            TextSecondary = "rgba(255,255,255,0.72)",
            TextDisabled = "rgba(255,255,255,0.6)",
            // MudBlazor's dark default (50 % white) falls to about 4.3:1 on a hovered navigation link.
            DrawerText = "rgba(255,255,255,0.8)",
            DrawerIcon = "rgba(255,255,255,0.8)",
        },
    };
}

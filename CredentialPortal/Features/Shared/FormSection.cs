using Microsoft.AspNetCore.Components;

namespace CredentialPortal.Features.Shared;

/// <summary>
/// A part of a page's form in a component of its own (the alert's webhook action, the OAuth fields). An edit in it
/// re-renders only itself; after each of its events it raises <see cref="Changed"/>, so that the page renders too: its
/// unsaved-changes prompt and its request preview see every edit.
/// </summary>
public abstract class FormSection : ComponentBase, IHandleEvent
{
    /// <summary>Raised after every event handled here; a page passes its <c>StateHasChanged</c>.</summary>
    [Parameter]
    public EventCallback Changed { get; set; }

    async Task IHandleEvent.HandleEventAsync(EventCallbackWorkItem callback, object? arg)
    {
        var handled = callback.InvokeAsync(arg);
        // As ComponentBase does: render once before an async handler completes and once after; a fault is not swallowed.
        if (!handled.IsCompleted)
        {
            StateHasChanged();
        }
        await handled;
        StateHasChanged();
        await Changed.InvokeAsync();
    }
}

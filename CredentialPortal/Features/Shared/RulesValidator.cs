using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace CredentialPortal.Features.Shared;

/// <summary>
/// Puts a domain rule set's messages beside the form's fields: runs <see cref="Rules"/> on submit and on each
/// field change, and shows errors the service returned (which stay until that field changes). A change re-checks
/// every field the person has already touched, since rules depend on each other (Location decides what a valid
/// Field Name is).
/// </summary>
public sealed class RulesValidator : ComponentBase, IDisposable
{
    private ValidationMessageStore? messages;
    private readonly HashSet<string> touched = [];
    private EditContext? subscribed;

    [CascadingParameter]
    private EditContext EditContext { get; set; } = default!;

    /// <summary>Field name → messages for the current model.</summary>
    [Parameter, EditorRequired]
    public Func<IReadOnlyDictionary<string, string[]>> Rules { get; set; } = default!;

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(subscribed, EditContext))
        {
            return;
        }
        Unsubscribe();
        subscribed = EditContext;
        messages = new ValidationMessageStore(EditContext);
        EditContext.OnValidationRequested += ValidateAll;
        EditContext.OnFieldChanged += ValidateField;
    }

    /// <summary>Shows messages the service returned on save.</summary>
    public void Show(IReadOnlyDictionary<string, string[]> errors)
    {
        messages!.Clear();
        foreach (var (field, list) in errors)
        {
            messages.Add(EditContext.Field(field), list);
        }
        EditContext.NotifyValidationStateChanged();
    }

    private void ValidateAll(object? sender, ValidationRequestedEventArgs e)
    {
        var errors = Rules();
        touched.UnionWith(errors.Keys);
        Show(errors);
    }

    private void ValidateField(object? sender, FieldChangedEventArgs e)
    {
        touched.Add(e.FieldIdentifier.FieldName);
        var errors = Rules();
        foreach (var name in touched)
        {
            var field = EditContext.Field(name);
            messages!.Clear(field);
            if (errors.TryGetValue(name, out var list))
            {
                messages.Add(field, list);
            }
        }
        EditContext.NotifyValidationStateChanged();
    }

    private void Unsubscribe()
    {
        if (subscribed is null)
        {
            return;
        }
        subscribed.OnValidationRequested -= ValidateAll;
        subscribed.OnFieldChanged -= ValidateField;
        messages?.Clear();
    }

    public void Dispose() => Unsubscribe();
}

using Bunit;
using CredentialPortal.Features.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace CredentialPortal.Tests.Features.Shared;

/// <summary>A part of a form in a component of its own: its page hears of every event handled in it, and a fault is not swallowed.</summary>
public sealed class FormSectionTests : BunitContext
{
    [Fact]
    public async Task The_page_hears_of_each_event_and_a_handler_that_fails_fails_the_event()
    {
        var heard = 0;
        var section = Render<Section>(p => p.Add(s => s.Changed, () => heard++));

        await section.Find("#ok").ClickAsync(new());
        Assert.Equal(1, heard);

        await Assert.ThrowsAsync<InvalidOperationException>(() => section.Find("#fails").ClickAsync(new()));
        Assert.Equal(1, heard);
    }

    private sealed class Section : FormSection
    {
        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "id", "ok");
            builder.AddAttribute(2, "onclick", EventCallback.Factory.Create(this, () => { }));
            builder.CloseElement();
            builder.OpenElement(3, "button");
            builder.AddAttribute(4, "id", "fails");
            // Faulted before it returns, as an async handler that throws before its first await is.
            builder.AddAttribute(5, "onclick", EventCallback.Factory.Create(this, () => Task.FromException(new InvalidOperationException("handler failed"))));
            builder.CloseElement();
        }
    }
}

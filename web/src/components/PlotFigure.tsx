/**
 * Renders an Observable Plot figure. Plot appends a <style> element to each chart; the page's CSP allows only
 * same-origin stylesheets, so that element is removed before the chart enters the document (no CSP violation)
 * and the same rules live in styles.css under the `gl-plot` class.
 */
import { useEffect, useRef } from 'react';

export function PlotFigure({ render, label }: { render: () => SVGElement | HTMLElement; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = render();
    for (const s of Array.from(chart.querySelectorAll('style'))) s.remove();
    // The container is the accessible image (role="img" with a label); Plot's own ARIA labels on <g> are not
    // allowed without a role, and the numbers are in a table beside each chart.
    for (const el of Array.from(chart.querySelectorAll('[aria-label], [aria-description]'))) {
      el.removeAttribute('aria-label');
      el.removeAttribute('aria-description');
    }
    chart.setAttribute('aria-hidden', 'true');
    el.replaceChildren(chart);
    return () => el.replaceChildren();
  }, [render]);
  return <div className="plot" role="img" aria-label={label} ref={ref} />;
}

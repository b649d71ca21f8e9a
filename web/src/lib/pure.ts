import { Component, type FunctionComponent } from 'preact';

/** A component that renders again only when a prop changes (by identity). */
export function pure<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  class Pure extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const props = this.props as Record<string, unknown>;
      const nextProps = next as Record<string, unknown>;
      const keys = new Set([...Object.keys(props), ...Object.keys(nextProps)]);
      for (const key of keys) if (!Object.is(props[key], nextProps[key])) return true;
      return false;
    }
    override render() {
      return render(this.props);
    }
  }
  return Pure as unknown as FunctionComponent<P>;
}

export { LoadingView as default } from '../../../../ui/loading-view'
